"""Two simultaneous accepts on one job produce exactly one contract (real threads, PostgreSQL)."""

import threading

import pytest
from django.db import connection

from bids.models import Bid
from bids.tests.factories import BidFactory
from contracts import services as contract_services
from contracts.models import Contract
from core.exceptions import ApplicationError
from jobs.models import Job
from jobs.services import job_close_bidding
from jobs.tests.factories import JobFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # trades are restored after flushes (conftest)
@pytest.mark.parametrize("same_bid", [False, True])
def test_double_accept_creates_one_contract(homeowner, contractor, other_contractor, same_bid):
    job = JobFactory(homeowner=homeowner)
    first = BidFactory(job=job, contractor=contractor)
    second = first if same_bid else BidFactory(job=job, contractor=other_contractor)
    job_close_bidding(actor=homeowner, job=job)

    barrier = threading.Barrier(2)
    outcomes: list = []

    def accept(bid):
        try:
            barrier.wait(timeout=10)
            outcomes.append(contract_services.bid_accept(actor=homeowner, bid=bid))
        except ApplicationError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(bid,)) for bid in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    contracts = [o for o in outcomes if isinstance(o, Contract)]
    errors = [o for o in outcomes if isinstance(o, ApplicationError)]
    assert len(contracts) == 1 and len(errors) == 1, outcomes
    assert errors[0].status_code == 409
    assert Contract.objects.filter(job=job).count() == 1
    assert Bid.objects.filter(job=job, status=Bid.Status.ACCEPTED).count() == 1
    assert Job.objects.get(pk=job.pk).status == Job.Status.AWARDED
