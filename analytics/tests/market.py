"""A small marketplace driven through the real services (simulated gateway), with the
timestamps then pinned so every figure of the views can be computed by hand.

Day 1 (D1): job A and job B posted and published at 09:00.
  job A: bids at 10:00 ($1,000, the winner), 12:00 ($1,200), 13:00 ($900, withdrawn at 15:00).
  job B: bid at 11:00 ($400, the winner).
Day 2 (D2): both awarded at 09:00 (A: milestones $300 + $700; B: one milestone $400);
  all three milestones funded (fees 5%: $15, $35, $20).
Day 3 (D3): A's first milestone approved and released ($300). A's second milestone disputed by
  the homeowner, contractor responds after 2 hours; staff split it: $500 to the contractor,
  $200 refunded (+ $10 of fee). B's milestone disputed, resolved as a full refund ($400 + $20 fee).
Job C: posted on D1, never published (a draft).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from accounts.tests.factories import ContractorFactory, StaffFactory
from bids.models import Bid
from bids.tests.factories import BidFactory
from contracts import services as flow
from contracts.models import Contract
from contracts.tests.factories import contract_for
from disputes import services as disputes
from disputes.models import Dispute
from jobs.models import Job
from jobs.tests.factories import JobFactory
from payments.models import Payment, Refund, Release
from payments.tests.helpers import onboard
from payments.tests.images import png_upload


@dataclass
class Market:
    d1: object
    d2: object
    d3: object
    job_a: Job
    job_b: Job
    job_c: Job
    winner_a: object
    winner_b: object
    loser_a: object


def build(homeowner, capture) -> Market:
    def at(day, hour, minute=0):
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)

    today = timezone.now().astimezone(UTC).date()
    d1, d2, d3 = today - timedelta(days=3), today - timedelta(days=2), today - timedelta(days=1)
    staff = StaffFactory()
    winner_a, winner_b, loser_a, prober = (ContractorFactory() for _ in range(4))
    for contractor in (winner_a, winner_b):
        onboard(contractor)

    with capture(execute=True):
        contract_a = contract_for(homeowner=homeowner, contractor=winner_a, milestones=[("Rough-in", 30_000), ("Finish", 70_000)])
        contract_b = contract_for(homeowner=homeowner, contractor=winner_b, milestones=[("All", 40_000)])
        job_a, job_b = contract_a.job, contract_b.job
        lost = BidFactory(job=job_a, contractor=loser_a, amount_cents=120_000, status=Bid.Status.NOT_SELECTED)
        withdrawn = BidFactory(job=job_a, contractor=prober, amount_cents=90_000, status=Bid.Status.WITHDRAWN)
        job_c = JobFactory(homeowner=homeowner, status=Job.Status.DRAFT, published_at=None)

        m_a1, m_a2 = contract_a.milestones.order_by("position")
        (m_b,) = contract_b.milestones.all()
        for milestone in (m_a1, m_a2, m_b):
            flow.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
        flow.milestone_submit(actor=winner_a, milestone_id=m_a1.pk, notes="Done", files=[png_upload()])
        flow.milestone_approve(actor=homeowner, milestone_id=m_a1.pk)
        split = disputes.dispute_open(actor=homeowner, milestone_id=m_a2.pk, reason="quality",
                                      description="Cracked tiles.", requested_refund_cents=20_000)
        disputes.message_post(actor=winner_a, dispute_id=split.pk, body="I will fix two of them.")  # the response
        disputes.dispute_resolve(actor=staff, dispute_id=split.pk, outcome="split", reason="Partly done.",
                                 contractor_amount_cents=50_000)
        refund = disputes.dispute_open(actor=homeowner, milestone_id=m_b.pk, reason="no_show",
                                       description="Never came.", requested_refund_cents=40_000)
        disputes.dispute_resolve(actor=staff, dispute_id=refund.pk, outcome="refund", reason="No work done.")

    # Pin every timestamp (the services stamped "now").
    Job.objects.filter(pk__in=[job_a.pk, job_b.pk]).update(created_at=at(d1, 9), published_at=at(d1, 9))
    Job.objects.filter(pk=job_c.pk).update(created_at=at(d1, 9))
    Bid.objects.filter(pk=contract_a.bid_id).update(created_at=at(d1, 10))
    Bid.objects.filter(pk=lost.pk).update(created_at=at(d1, 12))
    Bid.objects.filter(pk=withdrawn.pk).update(created_at=at(d1, 13), withdrawn_at=at(d1, 15))
    Bid.objects.filter(pk=contract_b.bid_id).update(created_at=at(d1, 11))
    Contract.objects.filter(pk__in=[contract_a.pk, contract_b.pk]).update(created_at=at(d2, 9))
    Payment.objects.all().update(succeeded_at=at(d2, 10))
    Release.objects.all().update(succeeded_at=at(d3, 10))
    Refund.objects.all().update(succeeded_at=at(d3, 11))
    Dispute.objects.filter(pk=split.pk).update(created_at=at(d3, 8), responded_at=at(d3, 10), resolved_at=at(d3, 12))
    Dispute.objects.filter(pk=refund.pk).update(created_at=at(d3, 8), resolved_at=at(d3, 12))
    return Market(d1=d1, d2=d2, d3=d3, job_a=job_a, job_b=job_b, job_c=job_c, winner_a=winner_a, winner_b=winner_b,
                  loser_a=loser_a)
