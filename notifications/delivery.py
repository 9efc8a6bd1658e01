"""Sending NotificationDelivery rows: claim, send, retry, reconcile. Called by tasks only.

The exactly-once protocol:
1. claim: lock the row, require `pending` and due, set `sending` and attempts+1, COMMIT.
   A second task for the same row (duplicate message, sweeper overlap) now finds `sending`
   or `sent` and does nothing.
2. send through the provider, outside any transaction (no lock held during network I/O),
   tagged with the row id (email metadata / Twilio status-callback URL).
3. record: `sent` + provider id.
A crash between 2 and 3 leaves the row `sending`. The provider's callback (which carries the
row id) marks it sent/delivered; the sweeper, for rows still `sending` after
STALE_SENDING, asks the provider whether it has the message (Twilio) and marks it sent
without resending; only when the provider shows no trace is the row sent again.
"""

import logging
import smtplib
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.fsm import can_transition
from core.links import absolute_url

from . import events as catalogue
from .models import NotificationDelivery
from .rendering import unsubscribe_url
from .sms import SmsError, get_backend

logger = logging.getLogger(__name__)

Status = NotificationDelivery.Status
MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 60  # 1, 2, 4, 8 minutes between the five attempts
BACKOFF_MAX_SECONDS = 3600
# A row left in `sending` by a killed worker is settled within two minutes (this plus the
# 60-s sweep). `deliver` is hard-limited below it (DELIVER_TIME_LIMIT), so a live send is
# never mistaken for a lost one; reconcile() asks the provider before sending again.
STALE_SENDING = timedelta(minutes=1)
DELIVER_TIME_LIMIT = 50
SWEEP_GRACE = timedelta(minutes=1)  # let the on_commit task try first
SWEEP_BATCH = 500
REDACTED = "[one-time code redacted after sending]"


class PermanentError(Exception):
    pass


class TransientError(Exception):
    pass


def backoff_seconds(attempts: int) -> int:
    return min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)


def claim(delivery_id) -> NotificationDelivery | None:
    now = timezone.now()
    with transaction.atomic():
        delivery = NotificationDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status != Status.PENDING:
            return None
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None
        delivery.status = Status.SENDING
        delivery.attempts += 1
        delivery.claimed_at = now
        delivery.save(update_fields=["status", "attempts", "claimed_at", "updated_at"])
    return delivery


def send(delivery_id) -> int | None:
    """Send one delivery if it is due. Returns seconds until a retry is due, or None."""
    delivery = claim(delivery_id)
    if delivery is None:
        return None
    try:
        _check_still_allowed(delivery)
        provider_id = _send_email(delivery) if delivery.channel == catalogue.EMAIL else _send_sms(delivery)
    except PermanentError as exc:
        _finish(delivery, Status.FAILED, error=str(exc))
        return None
    except TransientError as exc:
        return _retry_later(delivery, str(exc))
    except Exception as exc:  # an unknown fault is treated as transient, and logged loudly
        logger.exception("delivery %s failed unexpectedly", delivery.pk)
        return _retry_later(delivery, f"{exc.__class__.__name__}: {exc}")
    mark_sent(delivery.pk, provider_id)
    return None


def mark_sent(delivery_id, provider_id: str) -> None:
    with transaction.atomic():
        delivery = NotificationDelivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.status != Status.SENDING:
            return  # a provider callback got here first and already moved it on
        delivery.status = Status.SENT
        delivery.provider_id = provider_id or delivery.provider_id
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
        _redact(delivery)
        delivery.save()


def _finish(delivery, status, *, error: str) -> None:
    with transaction.atomic():
        row = NotificationDelivery.objects.select_for_update().get(pk=delivery.pk)
        if not can_transition(NotificationDelivery.TRANSITIONS, row.status, status):
            return
        row.status = status
        row.last_error = error[:2000]
        row.next_attempt_at = None
        _redact(row)
        row.save()
    logger.warning("delivery %s %s: %s", delivery.pk, status, error)


def _retry_later(delivery, error: str) -> int | None:
    if delivery.attempts >= MAX_ATTEMPTS:
        _finish(delivery, Status.FAILED, error=f"Gave up after {delivery.attempts} attempts. Last error: {error}")
        return None
    delay = backoff_seconds(delivery.attempts)
    with transaction.atomic():
        row = NotificationDelivery.objects.select_for_update().get(pk=delivery.pk)
        if row.status != Status.SENDING:
            return None
        row.status = Status.PENDING
        row.last_error = error[:2000]
        row.next_attempt_at = timezone.now() + timedelta(seconds=delay)
        row.save(update_fields=["status", "last_error", "next_attempt_at", "updated_at"])
    return delay


def _redact(row) -> None:
    if row.event == catalogue.PHONE_CODE:
        row.body_text = REDACTED


def _check_still_allowed(delivery) -> None:
    """Things that may have changed since the event: a bounce, a STOP."""
    from .services import email_suppressed, sms_opted_out

    if delivery.channel == catalogue.EMAIL and email_suppressed(delivery.to):
        raise PermanentError("The address hard-bounced or complained; email to it is stopped.")
    if delivery.channel == catalogue.SMS and sms_opted_out(delivery.to):
        raise PermanentError("The number replied STOP; texts to it are off until it replies START.")


# --- email ------------------------------------------------------------------------------
def _email_headers(delivery) -> dict:
    headers = {"Message-ID": make_msgid(idstring=str(delivery.pk).replace("-", ""), domain=_mail_domain())}
    event = catalogue.EVENTS.get(delivery.event)
    if event is not None and not event.essential:
        url = unsubscribe_url(delivery.recipient_id, event)
        headers["List-Unsubscribe"] = f"<{url}>"
    return headers


def _mail_domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def _describe(exc: Exception) -> str:
    """str() of an anymail error reads the HTTP response, which may be missing."""
    try:
        return str(exc)
    except Exception:
        return " ".join(str(arg) for arg in exc.args) or exc.__class__.__name__


def _send_email(delivery) -> str:
    from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused

    headers = _email_headers(delivery)
    message = EmailMultiAlternatives(
        subject=delivery.subject, body=delivery.body_text, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to], headers=headers,
    )
    if delivery.body_html:
        message.attach_alternative(delivery.body_html, "text/html")
    # anymail: comes back on every tracking event, so a webhook can find this row.
    message.metadata = {"delivery_id": str(delivery.pk)}
    try:
        message.send(fail_silently=False)
    except AnymailRecipientsRefused as exc:
        raise PermanentError(f"The email provider refused the address: {_describe(exc)}") from exc
    except AnymailAPIError as exc:
        status = getattr(exc, "status_code", None)
        if status and 400 <= status < 500 and status != 429:
            raise PermanentError(f"Email provider rejected the message ({status}): {_describe(exc)}") from exc
        raise TransientError(f"Email provider error ({status or 'no response'}): {_describe(exc)}") from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentError(f"The mail server refused the address: {exc.recipients}") from exc
    except (smtplib.SMTPException, OSError, TimeoutError) as exc:
        raise TransientError(f"Mail server error: {exc.__class__.__name__}: {exc}") from exc
    status = getattr(message, "anymail_status", None)
    if status is not None and status.message_id is not None:
        return str(status.message_id)
    return headers["Message-ID"]


# --- SMS --------------------------------------------------------------------------------
def status_callback_url(delivery) -> str:
    return absolute_url(reverse("notifications:twilio_webhook")) + f"?delivery={delivery.pk}"


def _send_sms(delivery) -> str:
    try:
        return get_backend().send(delivery.to, delivery.body_text, status_callback_url(delivery))
    except SmsError as exc:
        raise (PermanentError if exc.permanent else TransientError)(str(exc)) from exc


# --- provider callbacks -----------------------------------------------------------------
def record_provider_status(*, delivery_id=None, provider_id: str = "", status: str, error: str = "") -> bool:
    """Move a delivery forward from a provider callback; never backward, never twice.

    Finds the row by our id (carried in the callback) or the provider's id."""
    with transaction.atomic():
        queryset = NotificationDelivery.objects.select_for_update()
        row = None
        if delivery_id:
            row = queryset.filter(pk=delivery_id).first()
        if row is None and provider_id:
            row = queryset.filter(provider_id=provider_id).first()
        if row is None:
            return False
        if provider_id and not row.provider_id:
            row.provider_id = provider_id
        if row.status == Status.SENDING and status == Status.SENT:
            row.status = Status.SENT
            row.sent_at = row.sent_at or timezone.now()
        elif can_transition(NotificationDelivery.TRANSITIONS, row.status, status):
            row.status = status
            if status == Status.DELIVERED:
                row.delivered_at = timezone.now()
                row.sent_at = row.sent_at or row.delivered_at
            if error:
                row.last_error = error[:2000]
        if row.status != Status.SENDING:
            _redact(row)
        row.save()
    return True


# --- sweeper ----------------------------------------------------------------------------
def sweep() -> dict:
    """Re-queue due pending rows; settle rows stuck in `sending` after a crash."""
    from .services import enqueue

    now = timezone.now()
    due = list(
        NotificationDelivery.objects.filter(status=Status.PENDING, created_at__lt=now - SWEEP_GRACE)
        .exclude(next_attempt_at__gt=now)
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    enqueue(due)
    stale = list(
        NotificationDelivery.objects.filter(status=Status.SENDING, claimed_at__lt=now - STALE_SENDING)
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    recovered = resent = 0
    for delivery_id in stale:
        outcome = reconcile(delivery_id)
        recovered += outcome == "sent"
        resent += outcome == "retry"
    return {"queued": len(due), "recovered": recovered, "requeued": resent}


def reconcile(delivery_id) -> str:
    """A row left in `sending`: sent if the provider has it, else pending again."""
    row = NotificationDelivery.objects.filter(pk=delivery_id, status=Status.SENDING).first()
    if row is None:
        return "gone"
    provider_id = row.provider_id
    if not provider_id and row.channel == catalogue.SMS:
        try:
            since = (row.claimed_at or row.created_at) - timedelta(minutes=1)
            provider_id = get_backend().find_sent(row.to, row.body_text, since) or ""
        except Exception:
            return "unknown"  # provider unreachable: ask again on the next sweep
    if provider_id:
        mark_sent(row.pk, provider_id)
        return "sent"
    with transaction.atomic():
        row = NotificationDelivery.objects.select_for_update().get(pk=row.pk)
        if row.status != Status.SENDING:
            return "gone"
        if row.attempts >= MAX_ATTEMPTS:
            row.status = Status.FAILED
            row.last_error = "Interrupted while sending and the provider has no record of it; gave up."
        else:
            row.status = Status.PENDING
            row.next_attempt_at = timezone.now()
            row.last_error = "Interrupted while sending; the provider has no record of it, sending again."
        row.save()
    if row.status == Status.PENDING:
        from .services import enqueue

        enqueue([row.pk])
    return "retry"


def requeue_failed(delivery_id, *, actor=None) -> bool:
    """Staff action: give a failed delivery a fresh set of attempts (e.g. after a provider outage)."""
    import audit

    from .services import enqueue

    with transaction.atomic():
        row = NotificationDelivery.objects.select_for_update().filter(pk=delivery_id, status=Status.FAILED).first()
        if row is None or row.event == catalogue.PHONE_CODE:  # a code is redacted and stale: ask for a new one
            return False
        # Deliberately outside TRANSITIONS: failed is final for the automatic machinery; only a person reopens it.
        row.status = Status.PENDING
        row.attempts = 0
        row.next_attempt_at = None
        row.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
        audit.record(actor, "notifications.delivery_requeued", row)
        transaction.on_commit(lambda: enqueue([row.pk]))
    return True
