"""A suspension racing a bid (real threads, PostgreSQL): the bid either lands first and is
withdrawn with the others, or is refused; a suspended contractor never keeps a live bid."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from bids import services as bid_services
from bids.models import Bid
from core.exceptions import ApplicationError
from jobs.tests.factories import JobFactory
from moderation import services


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_suspension_and_bid_at_the_same_moment(contractor, round_):
    staff = StaffFactory()
    job = JobFactory()
    stale = type(contractor).objects.get(pk=contractor.pk)  # the bidder's request loaded it unsuspended
    barrier = threading.Barrier(2)
    outcomes: list = []

    def bid():
        try:
            barrier.wait(timeout=10)
            outcomes.append(bid_services.bid_place(
                actor=stale, job=job, amount_cents=40_000, estimated_days=3,
                proposed_start=timezone.localdate() + timedelta(days=9)))
        except ApplicationError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    def suspend():
        try:
            barrier.wait(timeout=10)
            outcomes.append(services.user_suspend(actor=staff, user_id=contractor.pk, reason="Fraud."))
        finally:
            connection.close()

    threads = [threading.Thread(target=bid), threading.Thread(target=suspend)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2, outcomes
    contractor.refresh_from_db()
    assert contractor.suspended_at is not None
    assert not Bid.objects.filter(contractor=contractor, status=Bid.Status.ACTIVE).exists()
    refused = [o for o in outcomes if isinstance(o, ApplicationError)]
    assert all(o.code == "account_suspended" for o in refused)
