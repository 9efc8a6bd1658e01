"""The bids app's personal data (core.privacy): the person's own bids with their payment
schedules and every revision. Never anyone else's bid."""

from django.urls import reverse

from core.privacy import Blocker

from .models import Bid, BidRevision

UNDECIDED_JOBS = ("open", "reviewing")


def export(user) -> dict:
    bids = Bid.objects.filter(contractor=user).select_related("job").prefetch_related(
        "milestones", "revisions").order_by("created_at")
    return {"bids": [{
        "job": bid.job.title,
        "amount_cents": bid.amount_cents,
        "currency": bid.currency,
        "estimated_days": bid.estimated_days,
        "proposed_start": bid.proposed_start,
        "message": bid.message,
        "status": bid.get_status_display(),
        "placed_at": bid.created_at,
        "withdrawn_at": bid.withdrawn_at,
        "decided_at": bid.decided_at,
        "payment_schedule": [{"position": m.position, "title": m.title, "amount_cents": m.amount_cents}
                             for m in bid.milestones.all()],
        "revisions": [{"number": r.number, "amount_cents": r.amount_cents, "estimated_days": r.estimated_days,
                       "proposed_start": r.proposed_start, "message": r.message, "payment_schedule": r.milestones,
                       "replaced_at": r.created_at} for r in bid.revisions.all()],
    } for bid in bids]}


def erasure_blockers(user) -> list[Blocker]:
    bids = Bid.objects.filter(contractor=user, status=Bid.Status.ACTIVE,
                              job__status__in=UNDECIDED_JOBS).select_related("job").order_by("created_at")
    return [Blocker(f"Your bid on “{bid.job.title}” is still active: withdraw it first.",
                    reverse("jobs:detail", args=[bid.job_id]), "Open the job") for bid in bids]


def erase(user) -> None:
    """Amounts and schedules stay (the homeowner compared them; an accepted bid is the basis
    of a contract). The person's own words go, except on the accepted bid a contract rests on."""
    Bid.objects.filter(contractor=user).exclude(status=Bid.Status.ACCEPTED).exclude(message="").update(message="")
    BidRevision.objects.filter(bid__contractor=user).exclude(message="").update(message="")
