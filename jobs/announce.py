"""Who is told what about a job, in one place.

Notifications go through `notifications.services.notify` (the notifications app owns
channels, preferences and templates). It is called inside the service's transaction: its
rows commit or roll back with the state change (an outbox), and sending happens after
commit. Sealed bidding holds here too: a homeowner is told counts, never amounts or
bidders; a contractor never learns anything about other bids.
"""

import logging

from django.db import transaction

from notifications import notify

logger = logging.getLogger(__name__)


def send(event: str, recipients, context: dict, target=None) -> None:
    """Hand one event to the notifications app, in a savepoint: a notification problem must
    never undo or break the business action that raised it."""
    recipients = [user for user in recipients if user is not None]
    if not recipients:
        return
    try:
        with transaction.atomic():
            notify(event, recipients, context, target)
    except Exception:
        logger.exception("notify(%s) failed", event)


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
