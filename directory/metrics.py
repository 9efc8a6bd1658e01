"""What a profile says about a person's record on the platform, and when it says nothing.

Every figure is counted from real rows (contracts, milestones, submissions, disputes,
messages, reviews). Below its threshold a figure is None and pages say "Not enough history
yet": a rate over a handful of events says more about luck than about the person. The rules
live here once; README ("Profile metrics") explains them to people.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median

from django.utils import timezone

# With 4 contracts a single dispute reads as 25%, with 1 as 100%: from 5 on, one event moves
# the rate by at most 20 points and a first bad experience does not define a newcomer.
MIN_CONTRACTS_FOR_DISPUTE_RATE = 5
# Milestones, not contracts: a contract has 1 to 5 of them, and each has its own submission.
MIN_MILESTONES_FOR_ON_TIME = 5
# A median of fewer replies is one conversation's mood.
MIN_REPLIES_FOR_RESPONSE_TIME = 5
# A homeowner's message still unanswered after a week counts as answered after exactly a
# week: a contractor who never replies must not look better than one who replies late.
UNANSWERED_AFTER = timedelta(days=7)
# Homeowners: a milestone is funded on time within this many days of becoming due.
FUNDING_GRACE = timedelta(days=3)
# For the pages' "How we count".
RULES = {"contracts": MIN_CONTRACTS_FOR_DISPUTE_RATE, "milestones": MIN_MILESTONES_FOR_ON_TIME,
         "replies": MIN_REPLIES_FOR_RESPONSE_TIME, "unanswered_days": UNANSWERED_AFTER.days,
         "funding_grace_days": FUNDING_GRACE.days}


@dataclass(frozen=True)
class Metrics:
    jobs_completed: int = 0
    contracts: int = 0
    contracts_disputed: int = 0
    milestones_completed: int = 0
    milestones_on_time: int = 0
    reply_samples: int = 0
    reply_median_minutes: int | None = None
    computed_at: datetime | None = None

    @classmethod
    def of(cls, jobs_completed: int, stats) -> "Metrics":
        """From a ContractorStats row (None: no history counted yet)."""
        if stats is None:
            return cls(jobs_completed=jobs_completed)
        return cls(jobs_completed=jobs_completed, contracts=stats.contracts,
                   contracts_disputed=stats.contracts_disputed, milestones_completed=stats.milestones_completed,
                   milestones_on_time=stats.milestones_on_time, reply_samples=stats.reply_samples,
                   reply_median_minutes=stats.reply_median_minutes, computed_at=stats.computed_at)

    @property
    def dispute_rate(self) -> float | None:
        if self.contracts < MIN_CONTRACTS_FOR_DISPUTE_RATE:
            return None
        return self.contracts_disputed / self.contracts

    @property
    def on_time_rate(self) -> float | None:
        if self.milestones_completed < MIN_MILESTONES_FOR_ON_TIME:
            return None
        return self.milestones_on_time / self.milestones_completed

    @property
    def response_minutes(self) -> int | None:
        if self.reply_samples < MIN_REPLIES_FOR_RESPONSE_TIME:
            return None
        return self.reply_median_minutes

    @property
    def dispute_percent(self) -> int | None:
        return None if self.dispute_rate is None else round(self.dispute_rate * 100)

    @property
    def on_time_percent(self) -> int | None:
        return None if self.on_time_rate is None else round(self.on_time_rate * 100)

    @property
    def response_label(self) -> str:
        return response_label(self.response_minutes)

    def as_api(self) -> dict:
        return {
            "jobs_completed": self.jobs_completed,
            "response_time_hours": None if self.response_minutes is None else round(self.response_minutes / 60, 1),
            "on_time_rate": None if self.on_time_rate is None else round(self.on_time_rate, 3),
            "dispute_rate": None if self.dispute_rate is None else round(self.dispute_rate, 3),
            "counts": {"contracts": self.contracts, "contracts_disputed": self.contracts_disputed,
                       "milestones_completed": self.milestones_completed,
                       "milestones_on_time": self.milestones_on_time, "replies": self.reply_samples},
            "computed_at": self.computed_at,
        }


def response_label(minutes: int | None) -> str:
    if minutes is None:
        return ""
    if minutes >= UNANSWERED_AFTER.total_seconds() // 60:
        return "a week or more"
    if minutes <= 60:
        return "within an hour"
    hours = -(-minutes // 60)  # rounded up: "within 3 hours" must hold for a 2 h 10 min median
    if hours < 24:
        return f"within {hours} hours"
    days = -(-hours // 24)
    return "within a day" if days == 1 else f"within {days} days"


# --- contractors: on time -----------------------------------------------------------------
def milestone_due(*, planned_start: date, estimated_days: int, first_funded: datetime | None) -> date:
    """The contract's end date: the estimated days (as moved by accepted change orders) after
    the planned start, or after the day money first went into escrow if that was later. A
    contractor does not start before they are paid into escrow, so a homeowner's slow
    funding never makes them late. Milestones carry no dates of their own: the end date is
    the only date the contractor committed to."""
    start = planned_start
    if first_funded is not None:
        start = max(start, timezone.localdate(first_funded))
    return start + timedelta(days=estimated_days)


def submitted_on_time(first_submitted: datetime | None, due: date) -> bool:
    """First submission on or before the due date; a milestone never submitted (paid out by
    a dispute's decision) was not delivered on time."""
    return first_submitted is not None and timezone.localdate(first_submitted) <= due


# --- contractors: response time -----------------------------------------------------------
def reply_waits(thread, contractor_id, now: datetime) -> list[timedelta]:
    """For one contract thread [(author_id, created_at), ...] in time order: how long each
    homeowner message waited for the contractor's next message. A run of homeowner messages
    is one wait, from its first message (three quick messages are one question). Waits still
    open count once older than UNANSWERED_AFTER (as exactly that long); younger ones are not
    counted yet."""
    waits, waiting_since = [], None
    for author_id, at in thread:
        if author_id == contractor_id:
            if waiting_since is not None:
                waits.append(min(at - waiting_since, UNANSWERED_AFTER))
                waiting_since = None
        elif waiting_since is None:
            waiting_since = at
    if waiting_since is not None and now - waiting_since >= UNANSWERED_AFTER:
        waits.append(UNANSWERED_AFTER)
    return waits


def median_minutes(waits: list[timedelta]) -> int | None:
    if not waits:
        return None
    return round(median(w.total_seconds() for w in waits) / 60)


# --- homeowners: payment record -----------------------------------------------------------
def funding_record(milestones, now: datetime) -> tuple[int, int]:
    """(funded on time, counted) over a homeowner's milestones, each a dict with contract_id,
    position, contract_created_at, funded_at, closed_at, in contract and position order.

    A milestone becomes due for funding when the contract is awarded (the first) or when the
    previous milestone closes (the next stage of work can start); it is funded on time
    within FUNDING_GRACE of that. Milestones not due yet, or due and still inside the grace,
    are not counted either way."""
    on_time = counted = 0
    previous = None
    for row in milestones:
        if row["position"] == 1 or previous is None or previous["contract_id"] != row["contract_id"]:
            due = row["contract_created_at"]
        else:
            due = previous["closed_at"]
        previous = row
        if due is None:
            continue  # the stage before is still in progress
        if row["funded_at"] is not None:
            counted += 1
            on_time += row["funded_at"] <= due + FUNDING_GRACE
        elif now > due + FUNDING_GRACE:
            counted += 1
    return on_time, counted
