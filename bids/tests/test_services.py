from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditLog
from bids import services
from bids.models import Bid, BidRevision
from bids.selectors import bid_summary_for, bids_visible_to
from bids.tests.factories import BidFactory
from contracts import services as contract_services
from contracts.models import Contract, Milestone
from core.exceptions import Conflict, InvalidState, PermissionDenied, ValidationFailed
from jobs.models import Job
from jobs.services import job_close_bidding
from jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def terms(**overrides):
    data = {
        "amount_cents": 100_000,
        "estimated_days": 5,
        "proposed_start": timezone.localdate() + timedelta(days=7),
        "message": "Can do",
        "milestones": [{"title": "Deposit", "amount_cents": 40_000}, {"title": "Finish", "amount_cents": 60_000}],
    }
    return data | overrides


def test_place_bid_writes_schedule_and_audit(homeowner, contractor):
    job = JobFactory(homeowner=homeowner)
    bid = services.bid_place(actor=contractor, job=job, **terms())
    assert [(m.position, m.amount_cents) for m in bid.milestones.all()] == [(1, 40_000), (2, 60_000)]
    assert AuditLog.objects.filter(action="bid.placed", target_id=str(bid.pk)).exists()


def test_default_single_milestone(contractor):
    bid = services.bid_place(actor=contractor, job=JobFactory(), **terms(milestones=None))
    assert list(bid.milestones.values_list("title", "amount_cents")) == [("Complete the work", 100_000)]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"amount_cents": 0}, "amount_cents"),
        ({"amount_cents": -5}, "amount_cents"),
        ({"amount_cents": 100_000_001, "milestones": None}, "amount_cents"),
        ({"milestones": [{"title": "A", "amount_cents": 10}]}, "milestones"),
        ({"milestones": [{"title": f"M{i}", "amount_cents": 20_000} for i in range(6)]}, "milestones"),
        ({"proposed_start": timezone.localdate() - timedelta(days=1)}, "proposed_start"),
        ({"estimated_days": 0}, "estimated_days"),
    ],
)
def test_bad_terms_rejected_nothing_written(contractor, override, field):
    with pytest.raises(ValidationFailed) as exc:
        services.bid_place(actor=contractor, job=JobFactory(), **terms(**override))
    assert field in exc.value.fields
    assert not Bid.objects.exists()


def test_second_bid_conflicts(contractor):
    job = JobFactory()
    services.bid_place(actor=contractor, job=job, **terms())
    with pytest.raises(Conflict):
        services.bid_place(actor=contractor, job=job, **terms())


@pytest.mark.parametrize("status", [Job.Status.REVIEWING, Job.Status.CANCELLED, Job.Status.DRAFT])
def test_cannot_bid_on_closed_jobs(contractor, status):
    with pytest.raises(InvalidState):
        services.bid_place(actor=contractor, job=JobFactory(status=status), **terms())


def test_past_deadline_rejected(contractor):
    job = JobFactory(bidding_deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(InvalidState):
        services.bid_place(actor=contractor, job=job, **terms())


def test_unverified_phone_or_homeowner_cannot_bid(contractor, homeowner):
    contractor.phone_verified_at = None
    contractor.save()
    with pytest.raises(PermissionDenied):
        services.bid_place(actor=contractor, job=JobFactory(), **terms())
    with pytest.raises(PermissionDenied):
        services.bid_place(actor=homeowner, job=JobFactory(homeowner=homeowner), **terms())


def test_revise_keeps_revision(contractor):
    bid = services.bid_place(actor=contractor, job=JobFactory(), **terms())
    services.bid_revise(actor=contractor, bid=bid, amount_cents=90_000, milestones=None)
    bid.refresh_from_db()
    assert bid.amount_cents == 90_000 and bid.revision_count == 1
    revision = BidRevision.objects.get(bid=bid)
    assert revision.amount_cents == 100_000 and len(revision.milestones) == 2


def test_withdraw_then_bid_again(contractor):
    job = JobFactory()
    bid = services.bid_place(actor=contractor, job=job, **terms())
    services.bid_withdraw(actor=contractor, bid=bid)
    services.bid_place(actor=contractor, job=job, **terms())
    assert job.bids.count() == 2


def test_sealed_visibility(homeowner, contractor, other_contractor, staff_user):
    job = JobFactory(homeowner=homeowner)
    mine = BidFactory(job=job, contractor=contractor)
    BidFactory(job=job, contractor=other_contractor)
    assert list(bids_visible_to(contractor, job)) == [mine]
    assert list(bids_visible_to(homeowner, job)) == []
    assert bids_visible_to(staff_user, job).count() == 2
    job_close_bidding(actor=homeowner, job=job)
    assert bids_visible_to(homeowner, job).count() == 2
    assert list(bids_visible_to(contractor, job)) == [mine]


def test_award_creates_contract_and_summary(homeowner, contractor, other_contractor):
    job = JobFactory(homeowner=homeowner)
    win = BidFactory(job=job, contractor=contractor, amount_cents=50_000)
    lose = BidFactory(job=job, contractor=other_contractor, amount_cents=70_000)
    job_close_bidding(actor=homeowner, job=job)
    contract = contract_services.bid_accept(actor=homeowner, bid=win)
    assert contract.status == Contract.Status.AWAITING_FUNDING and contract.total_cents == 50_000
    assert list(contract.milestones.values_list("amount_cents", "fee_cents", "status")) == [
        (50_000, 2_500, Milestone.Status.UNFUNDED)
    ]
    lose.refresh_from_db()
    job.refresh_from_db()
    assert lose.status == Bid.Status.NOT_SELECTED and job.status == Job.Status.AWARDED
    summary = bid_summary_for(other_contractor, job).as_dict()
    assert summary == {"count": 2, "awarded": True, "rank": 2, "winning_bid_band": "more_than_15_lower"}
    with pytest.raises(InvalidState):
        contract_services.bid_accept(actor=homeowner, bid=lose)


def test_accept_needs_owner_and_reviewing(homeowner, other_homeowner, contractor):
    job = JobFactory(homeowner=homeowner)
    bid = BidFactory(job=job, contractor=contractor)
    with pytest.raises(InvalidState):
        contract_services.bid_accept(actor=homeowner, bid=bid)
    job_close_bidding(actor=homeowner, job=job)
    with pytest.raises(PermissionDenied):
        contract_services.bid_accept(actor=other_homeowner, bid=bid)
    assert not Contract.objects.exists()
