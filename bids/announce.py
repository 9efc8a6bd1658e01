"""Notifications about bids, sent inside the service's transaction (see jobs.announce).

Sealed bidding: the homeowner learns that a bid arrived and the count, nothing else; a
bidder learns only about their own bid, and after the award the summary of
bids.selectors.summarize (a range only from 5 bids, otherwise rank and band).
"""

from django.urls import reverse

from jobs.announce import send

from .models import Bid
from .selectors import summarize


def bid_placed(bid: Bid, *, revised: bool) -> None:
    job = bid.job
    if not revised:
        count = Bid.objects.filter(job=job).exclude(status=Bid.Status.WITHDRAWN).count()
        send("bid.received", [job.homeowner], {"job_title": job.title, "bid_count": count,
                                               "url": reverse("jobs:detail", args=[job.pk])}, job)
    send(
        "bid.confirmation", [bid.contractor],
        {"job_title": job.title, "amount_cents": bid.amount_cents, "estimated_days": bid.estimated_days,
         "revised": revised, "url": reverse("jobs:detail", args=[job.pk])},
        bid,
    )


def award(job, *, winner: Bid, contract) -> None:
    """_announce_award: the winner is told, every other live bidder gets the outcome and the summary."""
    send(
        "bid.accepted", [winner.contractor],
        {"job_title": job.title, "amount_cents": winner.amount_cents, "homeowner_name": job.homeowner.display_name,
         "url": reverse("contracts:detail", args=[contract.pk])},
        contract,
    )
    losers = Bid.objects.filter(job=job, status=Bid.Status.NOT_SELECTED).select_related("contractor")
    for bid in losers:
        summary = summarize(job, bid=bid)
        send(
            "bid.not_selected", [bid.contractor],
            {"job_title": job.title, "amount_cents": bid.amount_cents, **summary.as_context(),
             "url": reverse("jobs:detail", args=[job.pk])},
            bid,
        )


def bid_withdrawn_by_moderators(job) -> None:
    """The homeowner learns a bid on their job is gone and how many are left, never whose
    or how much (while bidding is open they do not know the bidders at all)."""
    count = Bid.objects.filter(job=job).exclude(status=Bid.Status.WITHDRAWN).count()
    url = reverse("bids:compare", args=[job.pk]) if job.bidding_closed_at else reverse("jobs:detail", args=[job.pk])
    send("bid.withdrawn_by_moderators", [job.homeowner], {"job_title": job.title, "bid_count": count, "url": url}, job)
