"""Notifications: the one call other apps use, plus reads, preferences and suppressions.

    from notifications import notify

    notify(event, recipients, context, target=None, *, key="")

- `event`: a key of notifications/events.py, e.g. "bid.received", "bid.accepted",
  "bid.not_selected", "milestone.funded", "payment.receipt", "milestone.submitted",
  "milestone.auto_approve_reminder", "milestone.changes_requested", "milestone.released",
  "payout.sent", "payout.onboarding_needed", "dispute.opened", "dispute.message",
  "dispute.offer_made", "dispute.escalated", "dispute.resolved", "review.received",
  "job.bidding_closed" (homeowner), "bid.bidding_closed" (contractors), "bid.confirmation".
- `recipients`: a User or an iterable of Users. Each must fit the event's audience
  (homeowner events to homeowners, contractor events to contractors) or ValueError.
- `context`: plain values only (str, int cents, dates), exactly the event's `fields` plus
  any of its `optional` keys and `url` (a site path such as reverse("jobs:detail", ...)).
  Unknown keys are refused: that is how sealed bids stay sealed (a contractor's
  notification can only carry the keys its event allows, never another bid's amount/name).
- `target`: the model instance the notification is about (stored as type + id).
- `key`: pass it when the same event may be raised twice for the same thing (reminders,
  retried services): a second notify() with the same (recipient, event, key) does nothing.

Call it inside your service's transaction: the Notification and its NotificationDelivery
rows commit (or roll back) with your change, and the sending happens in Celery after commit.
Returns the list of Notification rows created.
"""

import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

import audit
from core.exceptions import ValidationFailed

from . import events as catalogue
from .events import BID_RANGE_MIN_COUNT, CONTRACTOR, EMAIL, HOMEOWNER, SMS
from .models import EmailSuppression, Notification, NotificationDelivery, NotificationPreference, SmsOptOut
from .rendering import render_event

logger = logging.getLogger(__name__)


# --- notify -----------------------------------------------------------------------------
def notify(event: str, recipients, context: dict | None = None, target=None, *, key: str = "") -> list[Notification]:
    ev = catalogue.get(event)
    if ev.sent_by_allauth:
        raise ValueError(f"{event} is sent by django-allauth, not notify().")
    context = dict(context or {})
    _check_context(ev, context)
    people = _as_list(recipients)
    target_type, target_id = _target(target)
    created: list[Notification] = []
    delivery_ids: list = []
    with transaction.atomic():
        for person in people:
            _check_audience(ev, person)
            _check_sealed(ev, person, context)
            if key and Notification.objects.filter(recipient=person, event=ev.key, key=key).exists():
                continue
            rendered = render_event(ev, person, context)
            channels = channels_for(ev, person)
            # A batched event's email goes out with the next batch (batching.py): one per burst.
            batch_email = ev.email_batched and EMAIL in channels
            if batch_email:
                channels.remove(EMAIL)
            try:
                with transaction.atomic():  # savepoint: a racing duplicate only skips this person
                    notification = Notification.objects.create(
                        recipient=person, event=ev.key, title=rendered.title, body=rendered.body,
                        url=context.get("url", ""), target_type=target_type, target_id=target_id, key=key,
                        email_pending=batch_email,
                    )
            except IntegrityError:
                if not key:
                    raise
                continue
            created.append(notification)
            for channel in channels:
                delivery = NotificationDelivery.objects.create(
                    notification=notification, recipient=person, event=ev.key, channel=channel,
                    to=person.email if channel == EMAIL else person.phone,
                    subject=rendered.subject if channel == EMAIL else "",
                    body_text=rendered.text if channel == EMAIL else rendered.sms,
                    body_html=rendered.html if channel == EMAIL else "",
                )
                delivery_ids.append(delivery.pk)
        if delivery_ids:
            transaction.on_commit(lambda ids=tuple(delivery_ids): enqueue(ids))
    return created


def redact_target(target, text: str) -> int:
    """Content removed by moderators: notifications about it keep their title and link but
    no longer quote it, and a batched email not yet written about it is dropped."""
    target_type, target_id = _target(target)
    return Notification.objects.filter(target_type=target_type, target_id=target_id).update(
        body=text, email_pending=False, updated_at=timezone.now())


def sms_send_direct(*, recipient, to: str, event: str, body: str) -> NotificationDelivery:
    """An SMS that is not a notification (the one-time phone code): same delivery path,
    so it is sent by a task after commit, retried and never sent twice."""
    with transaction.atomic():
        delivery = NotificationDelivery.objects.create(
            recipient=recipient, event=event, channel=SMS, to=to, body_text=body
        )
        transaction.on_commit(lambda: enqueue((delivery.pk,)))
    return delivery


def enqueue(delivery_ids) -> None:
    from .tasks import deliver

    for delivery_id in delivery_ids:
        try:
            deliver.delay(str(delivery_id))
        except Exception:
            # The broker is down: the row stays pending and the sweeper sends it later.
            logger.exception("could not queue delivery %s; the sweeper will retry", delivery_id)


def _as_list(recipients) -> list:
    user_model = get_user_model()
    items = [recipients] if isinstance(recipients, user_model) else list(recipients)
    seen, out = set(), []
    for person in items:
        if not isinstance(person, user_model):
            raise ValueError("notify() recipients must be User instances.")
        if person.pk not in seen:
            seen.add(person.pk)
            out.append(person)
    return out


def _target(target) -> tuple[str, str]:
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    if target is not None:
        raise ValueError("notify() target must be a model instance or None.")
    return "", ""


def _check_context(ev, context: dict) -> None:
    missing = [name for name in ev.fields if name not in context]
    unknown = sorted(set(context) - ev.allowed)
    if missing or unknown:
        raise ValueError(
            f"notify({ev.key!r}): missing context {missing}, not allowed {unknown}; "
            f"allowed keys are {sorted(ev.allowed)} (notifications/events.py)."
        )
    for name, value in context.items():
        if isinstance(value, models.Model | models.QuerySet):
            raise ValueError(f"notify({ev.key!r}): context[{name!r}] must be a plain value, not a model object.")


def _check_audience(ev, person) -> None:
    if ev.audience == HOMEOWNER and not person.is_homeowner:
        raise ValueError(f"{ev.key} is for homeowners; {person.pk} is not one.")
    if ev.audience == CONTRACTOR and not person.is_contractor:
        raise ValueError(f"{ev.key} is for contractors; {person.pk} is not one.")


def _check_sealed(ev, person, context: dict) -> None:
    """A contractor's notification never carries a competitor's bid count or identity.

    The per-event whitelist already excludes them; this is the belt to those braces, so a
    future catalogue edit cannot quietly add `bid_count` to a contractor event while bids
    are still sealed (it is allowed only once the award is public: bid.not_selected)."""
    if person.is_contractor and "bid_count" in context and ev.key != "bid.not_selected":
        raise ValueError(f"{ev.key}: contractors never learn how many bids a job has before the award.")
    if "lowest_cents" in context and context.get("bid_count", 0) < BID_RANGE_MIN_COUNT:
        raise ValueError(f"{ev.key}: the range of bids is shown only from {BID_RANGE_MIN_COUNT} bids.")


# --- channels and preferences ----------------------------------------------------------
def preference_map(user) -> dict[tuple[str, str], bool]:
    rows = NotificationPreference.objects.filter(user=user).values_list("event", "channel", "enabled")
    return {(event, channel): enabled for event, channel, enabled in rows}


def channel_enabled(ev, channel: str, prefs: dict) -> bool:
    if channel == EMAIL and ev.essential:
        return True
    if not ev.switchable(channel):
        return False
    return prefs.get((ev.key, channel), ev.default_for(channel))


def email_suppressed(email: str) -> bool:
    if not email:
        return True
    return EmailSuppression.objects.filter(email__iexact=email, cleared_at__isnull=True).exists()


def sms_opted_out(phone: str) -> bool:
    return SmsOptOut.objects.filter(phone=phone).exists()


def channels_for(ev, person) -> list[str]:
    if not person.is_active:
        return []
    prefs = preference_map(person)
    channels = []
    if channel_enabled(ev, EMAIL, prefs) and not email_suppressed(person.email):
        channels.append(EMAIL)
    # SMS only to numbers the person proved they own and that have not replied STOP.
    if (
        ev.sms_template
        and person.phone
        and person.phone_verified
        and channel_enabled(ev, SMS, prefs)
        and not sms_opted_out(person.phone)
    ):
        channels.append(SMS)
    return channels


@transaction.atomic
def preferences_save(*, actor, choices: dict[tuple[str, str], bool], request=None) -> None:
    """Store the person's choice for every switchable (event, channel); others are ignored."""
    changed = {}
    existing = preference_map(actor)
    for ev in catalogue.switchable_events():
        for channel in catalogue.CHANNELS:
            if not ev.switchable(channel) or (ev.key, channel) not in choices:
                continue
            enabled = bool(choices[(ev.key, channel)])
            current = existing.get((ev.key, channel), ev.default_for(channel))
            if enabled == current and (ev.key, channel) not in existing:
                continue
            NotificationPreference.objects.update_or_create(
                user=actor, event=ev.key, channel=channel, defaults={"enabled": enabled}
            )
            if enabled != current:
                changed[f"{ev.key}/{channel}"] = enabled
    if changed:
        audit.record(actor, "notifications.preferences_changed", actor, request, changed=changed)


@transaction.atomic
def unsubscribe(*, user, event_key: str, everything: bool = False, request=None) -> list[str]:
    """Turn off email for one event (or every non-essential one) from an email's link."""
    if everything:
        keys = [ev.key for ev in catalogue.switchable_events() if ev.switchable(EMAIL)]
    else:
        ev = catalogue.EVENTS.get(event_key)
        if ev is None or not ev.switchable(EMAIL):
            raise ValidationFailed("This email cannot be unsubscribed from: it is about your account or money.")
        keys = [ev.key]
    for key in keys:
        NotificationPreference.objects.update_or_create(
            user=user, event=key, channel=EMAIL, defaults={"enabled": False}
        )
    audit.record(None, "notifications.unsubscribed", user, request, events=keys)
    return keys


# --- in-app reads -----------------------------------------------------------------------
def notification_mark_read(*, actor, notification: Notification) -> Notification:
    if notification.recipient_id != actor.pk:
        raise ValueError("Only the recipient marks a notification read.")  # selectors 404 first
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


# --- email suppression (hard bounce / complaint) ---------------------------------------
def active_suppression(email: str) -> EmailSuppression | None:
    if not email:
        return None
    return EmailSuppression.objects.filter(email__iexact=email, cleared_at__isnull=True).first()


@transaction.atomic
def email_suppress(*, email: str, reason: str, detail: str = "") -> EmailSuppression:
    existing = (
        EmailSuppression.objects.select_for_update()
        .annotate(lower=Lower("email"))
        .filter(lower=email.lower(), cleared_at__isnull=True)
        .first()
    )
    if existing:
        return existing
    suppression = EmailSuppression.objects.create(email=email.lower(), reason=reason, detail=detail[:500])
    audit.record(None, "notifications.email_suppressed", suppression, None, reason=reason)
    return suppression


@transaction.atomic
def email_suppression_clear(*, actor, request=None) -> bool:
    """The person says the address works again (mailbox fixed): try email once more."""
    updated = EmailSuppression.objects.filter(email__iexact=actor.email, cleared_at__isnull=True).update(
        cleared_at=timezone.now()
    )
    if updated:
        audit.record(actor, "notifications.email_suppression_cleared", actor, request)
    return bool(updated)


@transaction.atomic
def sms_opt_out(*, phone: str) -> None:
    SmsOptOut.objects.get_or_create(phone=phone)
    audit.record(None, "notifications.sms_opted_out", phone)


@transaction.atomic
def sms_opt_in(*, phone: str) -> None:
    deleted, _ = SmsOptOut.objects.filter(phone=phone).delete()
    if deleted:
        audit.record(None, "notifications.sms_opted_in", phone)
