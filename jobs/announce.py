"""Who is told what about a job, in one place.

Notifications go through `notifications.services.notify` (the notifications app owns
channels, preferences and templates). It is called inside the service's transaction: its
rows commit or roll back with the state change (an outbox), and sending happens after
commit. Sealed bidding holds here too: a homeowner is told counts, never amounts or
bidders; a contractor never learns anything about other bids.
"""

import importlib
import logging

import audit

logger = logging.getLogger(__name__)


def send(event: str, recipients, context: dict, target=None) -> None:
    """Hand one event to the notifications app; recorded in the audit log either way."""
    recipients = [user for user in recipients if user is not None]
    if not recipients:
        return
    try:
        notify = importlib.import_module("notifications.services").notify
        events = importlib.import_module("notifications.events").EVENTS
    except (ModuleNotFoundError, AttributeError):
        notify, events = None, {}
    if notify is not None and event in events:
        try:
            notify(event, recipients, context, target)
        except Exception:  # a notification must never undo or break the business action
            # notify() runs in its own savepoint, so the caller's transaction stays usable.
            logger.exception("notify(%s) failed", event)
        return
    audit.record(
        None, f"notify.{event}", target, recipients=[str(user.pk) for user in recipients],
        **{key: value for key, value in context.items() if isinstance(value, (int, str, bool))},
    )


def bidding_closed(job, *, bidder_ids) -> None:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    users = get_user_model().objects.filter(pk__in=bidder_ids)
    url = reverse("jobs:detail", args=[job.pk])
    send(
        "job.bidding_closed", [job.homeowner],
        {"job_title": job.title, "bid_count": len(bidder_ids), "url": reverse("bids:compare", args=[job.pk])}, job,
    )
    send("bid.bidding_closed", list(users), {"job_title": job.title, "url": url}, job)


def no_bids(job) -> None:
    from django.urls import reverse

    send("job.no_bids", [job.homeowner], {"job_title": job.title, "url": reverse("jobs:edit", args=[job.pk])}, job)
