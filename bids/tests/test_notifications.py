"""Who is told what: notifications are written in the same transaction as the change."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import ContractorFactory
from bids import services
from contracts import services as contract_services
from jobs.services import job_close_bidding, jobs_close_overdue
from jobs.tests.factories import JobFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def events_of(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("event", flat=True))


def test_bid_award_and_outcome_notifications(homeowner, contractor):
    rival = ContractorFactory(profile__business_name="Quiet Rival Renovations")
    job = JobFactory(homeowner=homeowner, title="Deck repair")
    start = timezone.localdate() + timedelta(days=3)
    mine = services.bid_place(actor=contractor, job=job, amount_cents=90_000, estimated_days=2, proposed_start=start)
    theirs = services.bid_place(actor=rival, job=job, amount_cents=70_000, estimated_days=2, proposed_start=start)
    assert events_of(homeowner) == ["bid.received", "bid.received"]
    assert events_of(contractor) == ["bid.confirmation"]
    job_close_bidding(actor=homeowner, job=job)
    contract_services.bid_accept(actor=homeowner, bid=theirs)
    assert "bid.accepted" in events_of(rival)
    outcome = Notification.objects.get(recipient=contractor, event="bid.not_selected")
    text = f"{outcome.title} {outcome.body}"
    assert "Quiet Rival" not in text
    assert mine.pk and "bid.bidding_closed" in events_of(contractor)


def test_overdue_without_bids_tells_homeowner(homeowner):
    JobFactory(homeowner=homeowner, bidding_deadline=timezone.now() - timedelta(minutes=1))
    jobs_close_overdue()
    assert events_of(homeowner) == ["job.no_bids"]
