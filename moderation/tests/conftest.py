from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import ContractorFactory, HomeownerFactory
from bids.tests.factories import BidFactory
from contracts.tests.factories import contract_for
from jobs import services as job_services
from jobs.tests.factories import JobFactory
from messaging import services as message_services
from reviews.models import Review

SEALED_CENTS = 43_210  # the bidder's sealed amount: must never appear in anything about a report


@pytest.fixture
def world(db, staff_user):
    """One of everything reportable, and one person of every kind:

    owner       homeowner who owns the open job (and, as homeowner, party of the contract)
    bidder      contractor with a sealed bid on the job, who asked the question
    party       contractor of the contract (the message is to them; the review is about them)
    other_homeowner, other_contractor: strangers to all of it; staff."""
    owner = HomeownerFactory(full_name="Olivia Owner")
    bidder = ContractorFactory(profile__business_name="Bidding Builders")
    party = ContractorFactory(profile__business_name="Party Plumbing")
    job = JobFactory(homeowner=owner, title="Replace the back fence")
    BidFactory(job=job, contractor=bidder, amount_cents=SEALED_CENTS)
    question = job_services.question_ask(actor=bidder, job=job, body="Is the old fence concrete-set?")
    contract = contract_for(homeowner=owner, contractor=party, title="Re-pipe the house")
    message = message_services.message_post(actor=owner, contract_id=contract.pk, body="Pay me cash and skip the fee?")
    review = Review.objects.create(
        contract=contract, author=owner, subject=party, author_role="homeowner", rating=1, body="Terrible, avoid.",
        status=Review.Status.PUBLISHED, window_closes_at=timezone.now() + timedelta(days=14),
        published_at=timezone.now())
    people = {"anonymous": None, "owner": owner, "other_homeowner": HomeownerFactory(), "bidder": bidder,
              "other_contractor": ContractorFactory(), "party": party, "staff": staff_user}
    targets = {"profile": party.pk, "job": job.pk, "question": question.pk, "review": review.pk, "message": message.pk}
    return {"people": people, "targets": targets, "job": job, "question": question, "contract": contract,
            "message": message, "review": review}
