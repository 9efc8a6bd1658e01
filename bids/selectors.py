"""THE sealed-bid rule. Every page, API view, admin list and notification asks here.

- A contractor sees only their own bids, always.
- The homeowner sees no bid while the job is open (only how many, via bid_summary); once
  bidding has closed (job.bidding_closed_at is set) they see every bid that was not withdrawn.
- Staff see everything (amounts included), for moderation, except the sealed bids on a
  job they own themselves: a staff member who is also a homeowner is a homeowner there.
- Anyone else sees nothing.
After the award each bidder learns the outcome of their own bid and the range of all bids
(bid_summary), never another bidder's name or amount.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from jobs.models import Job

from .models import Bid, BidMilestone


def _base() -> QuerySet[Bid]:
    return Bid.objects.select_related("job", "job__category", "contractor", "contractor__contractor_profile").prefetch_related(
        Prefetch("milestones", queryset=BidMilestone.objects.order_by("position"))
    )


def bids_visible_to(user, job: Job | None = None) -> QuerySet[Bid]:
    if user is None or not user.is_authenticated:
        return Bid.objects.none()
    bids = _base()
    if job is not None:
        bids = bids.filter(job=job)
    if user.is_staff:
        return bids.exclude(job__homeowner=user, job__bidding_closed_at__isnull=True)
    return bids.filter(
        Q(contractor=user)
        | (Q(job__homeowner=user, job__bidding_closed_at__isnull=False) & ~Q(status=Bid.Status.WITHDRAWN))
    )


def bid_for(user, pk) -> Bid:
    return get_object_or_404(bids_visible_to(user), pk=pk)


def own_bid(user, pk) -> Bid:
    """A bid the caller placed (for revise/withdraw); anyone else's is a 404."""
    if user is None or not user.is_authenticated:
        raise Http404
    return get_object_or_404(_base(), pk=pk, contractor=user)


def bid_of_contractor_on(user, job: Job) -> Bid | None:
    """The caller's live bid on this job, if any (withdrawn bids do not count)."""
    if user is None or not user.is_authenticated or not user.is_contractor:
        return None
    return _base().filter(job=job, contractor=user).exclude(status=Bid.Status.WITHDRAWN).first()


def bids_of_contractor(user) -> QuerySet[Bid]:
    """My bids: every bid of the caller (the page adds the contract each bid won through
    contracts.selectors.with_live_contracts: bids never imports contracts)."""
    return _base().filter(contractor=user).order_by("-created_at")


def comparison_for(user, job: Job) -> list[Bid]:
    """The homeowner's side-by-side view. Raises Http404 for anyone but the owner/staff, and
    returns [] while the job is sealed (callers show why)."""
    if user is None or not user.is_authenticated or not (user.is_staff or job.homeowner_id == user.pk):
        raise Http404
    if job.bidding_closed_at is None:
        return []
    return list(bids_visible_to(user, job).exclude(status=Bid.Status.WITHDRAWN).order_by("amount_cents", "created_at"))


# --- Summary: the only figures about other bids anyone outside staff ever sees ---------------
@dataclass
class BidSummary:
    count: int
    awarded: bool
    lowest_cents: int | None = None
    median_cents: int | None = None
    highest_cents: int | None = None

    def as_dict(self) -> dict:
        data = {"count": self.count, "awarded": self.awarded}
        if self.awarded:
            data |= {"lowest_cents": self.lowest_cents, "median_cents": self.median_cents, "highest_cents": self.highest_cents}
        return data


def is_awarded(job: Job) -> bool:
    return job.status in (Job.Status.AWARDED, Job.Status.COMPLETED)


def bid_range(job: Job) -> tuple[int, int, int] | None:
    amounts = sorted(
        Bid.objects.filter(job=job).exclude(status=Bid.Status.WITHDRAWN).values_list("amount_cents", flat=True)
    )
    if not amounts:
        return None
    n = len(amounts)
    middle = amounts[n // 2] if n % 2 else (amounts[n // 2 - 1] + amounts[n // 2] + 1) // 2  # half up
    return amounts[0], middle, amounts[-1]


def bid_summary_for(user, job: Job) -> BidSummary:
    """Owner and staff: any time. A bidder: only after the award. Anyone else: 404."""
    if user is None or not user.is_authenticated:
        raise Http404
    owner_or_staff = user.is_staff or job.homeowner_id == user.pk
    awarded = is_awarded(job)
    if not owner_or_staff and not (awarded and Bid.objects.filter(job=job, contractor=user).exists()):
        raise Http404
    live = Bid.objects.filter(job=job).exclude(status=Bid.Status.WITHDRAWN)
    summary = BidSummary(count=live.count(), awarded=awarded)
    if awarded and (figures := bid_range(job)):
        summary.lowest_cents, summary.median_cents, summary.highest_cents = figures
    return summary
