"""contract_for(...) builds an awarded job with a contract the way the award service leaves it."""

from django.conf import settings
from django.utils import timezone

from bids.models import Bid
from bids.tests.factories import BidFactory
from contracts.models import Contract, Milestone
from core.money import fee_cents
from jobs.models import Job
from jobs.tests.factories import JobFactory


def contract_for(*, homeowner=None, contractor=None, milestones=None, **job_fields) -> Contract:
    """An awarded job + accepted bid + contract awaiting funding with unfunded milestones.

    milestones: [(title, amount_cents), ...] (default two milestones, 30_000 + 70_000).
    """
    rows = milestones or [("Materials and rough-in", 30_000), ("Finish and clean-up", 70_000)]
    total = sum(cents for _, cents in rows)
    job_kwargs = {"status": Job.Status.AWARDED, "awarded_at": timezone.now(), **job_fields}
    if homeowner is not None:
        job_kwargs["homeowner"] = homeowner
    job = JobFactory(**job_kwargs)
    bid_kwargs = {"job": job, "amount_cents": total, "status": Bid.Status.ACCEPTED, "milestones": rows}
    if contractor is not None:
        bid_kwargs["contractor"] = contractor
    bid = BidFactory(**bid_kwargs)
    bps = settings.PLATFORM_FEE_BPS
    contract = Contract.objects.create(
        job=job, bid=bid, homeowner=job.homeowner, contractor=bid.contractor, total_cents=total, fee_bps=bps
    )
    Milestone.objects.bulk_create(
        Milestone(contract=contract, position=i, title=title, amount_cents=cents, fee_cents=fee_cents(cents, bps))
        for i, (title, cents) in enumerate(rows, 1)
    )
    return contract
