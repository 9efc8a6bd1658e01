"""One email for a burst: events with `email_batched` (messages) notify in-app at once and
leave `Notification.email_pending`; this sweeper, every minute, gathers a person's pending
notifications of one event once the oldest is NOTIFY_EMAIL_BATCH_SECONDS old, and writes
one NotificationDelivery for all of them (sent by the usual task, exactly once).

Notifications the person has already read in-app are not emailed at all.
"""

from datetime import UTC, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.timezones import zone_or_none

from . import events as catalogue
from .events import EMAIL
from .models import Notification, NotificationDelivery
from .rendering import _one_line, _paragraphs, base_context, text_engine


def send_batched_emails(now=None) -> int:
    """Returns how many batch emails were written."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.NOTIFY_EMAIL_BATCH_SECONDS)
    due = (
        Notification.objects.filter(email_pending=True, created_at__lte=cutoff)
        .values_list("recipient_id", "event").distinct()
    )
    written = 0
    for recipient_id, event in list(due):
        if _send_batch(recipient_id, event):
            written += 1
    return written


@transaction.atomic
def _send_batch(recipient_id, event_key: str) -> bool:
    from .services import channels_for, enqueue

    # skip_locked: a second sweeper running at the same moment takes other people's batches.
    rows = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(recipient_id=recipient_id, event=event_key, email_pending=True).order_by("created_at")
    )
    if not rows:
        return False
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(email_pending=False)
    unread = [row for row in rows if row.read_at is None]
    ev = catalogue.get(event_key)
    person = get_user_model().objects.get(pk=recipient_id)
    if not unread or EMAIL not in channels_for(ev, person):
        return False  # read already, or email switched off since
    subject, text, html = render_batch(ev, person, unread)
    delivery = NotificationDelivery.objects.create(
        notification=unread[-1], recipient=person, event=ev.key, channel=EMAIL, to=person.email,
        subject=subject, body_text=text, body_html=html,
    )
    transaction.on_commit(lambda: enqueue((delivery.pk,)))
    return True


def render_batch(ev, person, items) -> tuple[str, str, str]:
    from django.template import Context

    with timezone.override(zone_or_none(person.time_zone) or UTC):
        ctx = base_context(ev, person, {"url": items[-1].url}) | {"items": items, "count": len(items)}
        engine = text_engine()
        subject = _one_line(engine.get_template("notifications/email/batch.subject.txt").render(Context(ctx, autoescape=False)))
        text = _paragraphs(engine.get_template("notifications/email/batch.txt").render(Context(ctx, autoescape=False)))
        html = render_to_string("notifications/email/batch.html", ctx | {"subject": subject})
    return subject[:300], text, html
