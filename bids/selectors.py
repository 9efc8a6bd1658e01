"""THE sealed-bid rule. Every page, API view, admin list and notification asks here.

- A contractor sees only their own bids, always.
- The homeowner sees no bid while the job is open (only how many, via bid_summary); once
  bidding has closed (job.bidding_closed_at is set) they see every bid that was not withdrawn.
- Staff see everything (amounts included), for moderation, except the sealed bids on a
  job they own themselves: a staff member who is also a homeowner is a homeowner there.
- Anyone else sees nothing.
After the award each bidder (a withdrawn bid is no bidder) learns the outcome of their own bid
and, from 5 live bids, the range of all bids; with fewer, their rank and a band for the
winning bid (bid_summary), never another bidder's name or amount.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from jobs.models import Job
from notifications.events import BID_RANGE_MIN_COUNT

from .models import Bid, BidMilestone


def _milestones() -> Prefetch:
    return Prefetch("milestones", queryset=BidMilestone.objects.order_by("position"))


def _base() -> QuerySet[Bid]:
    return Bid.objects.select_related("job", "job__category", "contractor", "contractor__contractor_profile").prefetch_related(
        _milestones()
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
    bid = (Bid.objects.filter(job=job, contractor=user).exclude(status=Bid.Status.WITHDRAWN)
           .prefetch_related(_milestones()).first())
    if bid is not None:
        # Both are in hand: joining them again would only cost time on the job page.
        bid.job, bid.contractor = job, user
    return bid


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
# A range (lowest, median, highest) of 2 or 3 bids gives the winner's exact price away, so it is
# shown only from RANGE_MIN_BIDS live bids; below that a bidder learns their rank and how far
# the winning bid was from theirs, in bands, never an amount. Withdrawn bids never count, and
# a contractor whose bid is withdrawn is no longer a bidder (no summary at all).
RANGE_MIN_BIDS = BID_RANGE_MIN_COUNT
WINNING_BID_BANDS = {
    "more_than_15_lower": "more than 15% lower than yours",
    "5_to_15_lower": "5 to 15% lower than yours",
    "within_5": "within 5% of yours",
    "5_to_15_higher": "5 to 15% higher than yours",
    "more_than_15_higher": "more than 15% higher than yours",
}


@dataclass
class BidSummary:
    count: int
    awarded: bool
    lowest_cents: int | None = None
    median_cents: int | None = None
    highest_cents: int | None = None
    rank: int | None = None  # the caller's bid, 1 = lowest price; bidders only
    winning_bid_band: str | None = None  # bidders only, when there is no range

    @property
    def has_range(self) -> bool:
        return self.lowest_cents is not None

    @property
    def winning_bid_band_label(self) -> str:
        return WINNING_BID_BANDS.get(self.winning_bid_band or "", "")

    def as_dict(self) -> dict:
        data = {"count": self.count, "awarded": self.awarded}
        if self.has_range:
            data |= {"lowest_cents": self.lowest_cents, "median_cents": self.median_cents, "highest_cents": self.highest_cents}
        if self.rank is not None:
            data["rank"] = self.rank
        if self.winning_bid_band is not None:
            data["winning_bid_band"] = self.winning_bid_band
        return data

    def as_context(self) -> dict:
        """The notification context: only keys that are set (the event catalogue refuses others)."""
        data = self.as_dict()
        data["bid_count"] = data.pop("count")
        data.pop("awarded")
        if self.winning_bid_band:
            data["winning_bid_band_label"] = self.winning_bid_band_label
        return data


def is_awarded(job: Job) -> bool:
    return job.status in (Job.Status.AWARDED, Job.Status.COMPLETED)


def median_cents(amounts: list[int]) -> int:
    amounts = sorted(amounts)
    n = len(amounts)
    return amounts[n // 2] if n % 2 else (amounts[n // 2 - 1] + amounts[n // 2] + 1) // 2  # half up


def winning_bid_band(*, winner_cents: int, mine_cents: int) -> str:
    """How far the winning bid was from the caller's, as a share of the caller's bid."""
    gap = abs(winner_cents - mine_cents) * 100  # integer arithmetic: no float edge at exactly 5%
    if gap <= 5 * mine_cents:
        return "within_5"
    side = "lower" if winner_cents < mine_cents else "higher"
    return f"5_to_15_{side}" if gap <= 15 * mine_cents else f"more_than_15_{side}"


def summarize(job: Job, *, bid: Bid | None = None) -> BidSummary:
    """The summary of a job's live bids, for `bid`'s contractor (or, without `bid`, for the
    owner and staff). One query."""
    live = list(Bid.objects.filter(job=job).exclude(status=Bid.Status.WITHDRAWN).values_list("pk", "amount_cents", "status"))
    awarded = is_awarded(job)
    summary = BidSummary(count=len(live), awarded=awarded)
    if not awarded or not live:
        return summary
    amounts = [amount for _, amount, _ in live]
    if len(live) >= RANGE_MIN_BIDS:
        summary.lowest_cents, summary.median_cents, summary.highest_cents = min(amounts), median_cents(amounts), max(amounts)
    if bid is not None and bid.status != Bid.Status.WITHDRAWN:
        summary.rank = 1 + sum(1 for amount in amounts if amount < bid.amount_cents)
        winner = next((amount for _, amount, status in live if status == Bid.Status.ACCEPTED), None)
        if not summary.has_range and winner is not None:
            summary.winning_bid_band = winning_bid_band(winner_cents=winner, mine_cents=bid.amount_cents)
    return summary


def bid_summary_for(user, job: Job) -> BidSummary:
    """Owner and staff: any time. A bidder (a live, not withdrawn, bid): only after the award.
    Anyone else, a contractor who withdrew included: 404."""
    if user is None or not user.is_authenticated:
        raise Http404
    if user.is_staff or job.homeowner_id == user.pk:
        return summarize(job)
    mine = Bid.objects.filter(job=job, contractor=user).exclude(status=Bid.Status.WITHDRAWN).first()
    if mine is None or not is_awarded(job):
        raise Http404
    return summarize(job, bid=mine)


# Jobs whose live bids a suspension withdraws: bidding open, or closed and not yet awarded.
WITHDRAWABLE_JOB_STATUSES = (Job.Status.OPEN, Job.Status.REVIEWING)


def open_bids_of(contractor_id) -> QuerySet[Bid]:
    """The contractor's live bids on jobs not yet awarded: what a suspension withdraws (the
    staff confirmation page counts them; nobody else ever sees them)."""
    return Bid.objects.filter(contractor_id=contractor_id, status=Bid.Status.ACTIVE,
                              job__status__in=WITHDRAWABLE_JOB_STATUSES)
