import pytest
from django.db import IntegrityError, transaction

from bids.models import Bid
from bids.tests.factories import BidFactory
from contracts.models import Contract, Milestone
from contracts.tests.factories import contract_for
from core.fsm import can_transition
from jobs.models import Job
from jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def test_contract_factory_matches_award_shape():
    contract = contract_for()
    assert contract.status == Contract.Status.AWAITING_FUNDING
    assert [m.fee_cents for m in contract.milestones.all()] == [1_500, 3_500]
    assert sum(m.amount_cents for m in contract.milestones.all()) == contract.total_cents


def test_one_live_contract_per_job():
    contract = contract_for()
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(
            job=contract.job, bid=contract.bid, homeowner=contract.homeowner, contractor=contract.contractor,
            total_cents=100, fee_bps=500,
        )
    # A cancelled contract frees the job for another award.
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.CANCELLED)
    Contract.objects.create(
        job=contract.job, bid=contract.bid, homeowner=contract.homeowner, contractor=contract.contractor,
        total_cents=100, fee_bps=500,
    )


def test_one_accepted_bid_per_job():
    job = JobFactory(status=Job.Status.REVIEWING)
    BidFactory(job=job, status=Bid.Status.ACCEPTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        BidFactory(job=job, status=Bid.Status.ACCEPTED)


def test_money_constraints():
    contract = contract_for()
    milestone = contract.milestones.first()
    for field, value in [("amount_cents", 0), ("fee_cents", -1), ("fee_cents", milestone.amount_cents + 1)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Milestone.objects.filter(pk=milestone.pk).update(**{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.filter(pk=contract.pk).update(total_cents=-5)


def test_milestone_lifecycle_table():
    S = Milestone.Status
    t = Milestone.TRANSITIONS
    assert can_transition(t, S.UNFUNDED, S.FUNDED)
    assert can_transition(t, S.SUBMITTED, S.FUNDED)  # changes requested
    assert can_transition(t, S.DISPUTED, S.SPLIT)
    assert not can_transition(t, S.RELEASED, S.REFUNDED)
    assert not can_transition(t, S.UNFUNDED, S.RELEASED)
