"""The dashboard is a to-do list per role, with a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bids.models import Bid
from bids.tests.factories import BidFactory
from contracts import services as lifecycle
from contracts.tests.factories import contract_for
from dashboard.selectors import todos_for
from disputes.tests.helpers import fund, open_on, submit
from jobs.models import Job, Question
from jobs.tests.factories import JobFactory
from messaging.services import message_post
from payments.tests.helpers import onboard

pytestmark = pytest.mark.django_db


def texts(user):
    return [t.text for t in todos_for(user)]


def test_homeowner_and_contractor_todos_follow_the_contract(homeowner, contractor):
    contract = contract_for(homeowner=homeowner, contractor=contractor, title="Deck",
                            milestones=[("Frame", 30_000), ("Boards", 70_000)])
    assert texts(homeowner) == ["Fund milestone 1 “Frame” (Deck): $315.00"]
    assert texts(contractor) == ["Finish your payout setup so approved milestones reach your bank"]
    onboard(contractor)
    first = fund(contract.milestones.get(position=1), homeowner)
    assert texts(homeowner) == []  # milestone 2 is not due while 1 is in escrow
    assert texts(contractor) == ["Do the work and submit “Frame” (Deck): $300.00 in escrow"]
    submit(first, contractor)
    [review] = todos_for(homeowner)
    assert review.text == "Review the work on “Frame” (Deck)" and review.due == first.auto_approve_at
    lifecycle.milestone_request_changes(actor=homeowner, milestone_id=first.pk, note="Two joists are not level.")
    [changes] = todos_for(contractor)
    assert changes.urgent and changes.note == "Two joists are not level."
    message_post(actor=contractor, contract_id=contract.pk, body="Fixed, have a look")
    assert "1 unread message about “Deck”" in texts(homeowner)


def test_questions_bids_and_deadlines(homeowner, contractor):
    soon = timezone.now() + timedelta(hours=20)
    job = JobFactory(homeowner=homeowner, title="Fence", status=Job.Status.OPEN, bidding_deadline=soon)
    Question.objects.create(job=job, asked_by=contractor, body="Which side is the gate?")
    Question.objects.create(job=job, asked_by=contractor, body="Stain included?")
    BidFactory(job=job, contractor=contractor, status=Bid.Status.ACTIVE)
    assert texts(homeowner) == ["Bidding on “Fence” closes soon", "Answer 2 questions on “Fence”"]
    assert texts(contractor) == ["Bidding on “Fence” closes soon: revise your bid if needed"]


def test_dispute_response_is_urgent_for_the_other_party(homeowner, contractor):
    contract = contract_for(homeowner=homeowner, contractor=contractor, title="Roof", milestones=[("All", 50_000)])
    onboard(contractor)
    milestone = fund(contract.milestones.get(), homeowner)
    open_on(milestone, homeowner)
    [first] = todos_for(contractor)
    assert first.urgent and first.text == "Respond to the dispute on “Roof”" and first.due_label == "respond by"
    assert all("dispute" not in t for t in texts(homeowner))


# The dashboard's queries, pinned per role: the same with 1 and with 4 jobs and contracts.
# Homeowner: session, user, which kinds are waiting, the four kinds found here (submitted
# work, unfunded milestones, jobs in review, unread messages), recent activity, the header.
DASHBOARD_QUERIES = {"homeowner": 10, "contractor": 7}
# With nothing waiting only the fixed part runs, however many kinds of to-do there are:
# session, user, their profile (onboarding done?), which kinds are waiting, activity, header.
QUIET_DASHBOARD_QUERIES = {"homeowner": 6, "contractor": 6}


@pytest.mark.parametrize("rows", [1, 4])
@pytest.mark.parametrize("role", ["homeowner", "contractor"])
def test_dashboard_page_query_count_is_pinned(client, homeowner, contractor, django_assert_num_queries, role, rows):
    for n in range(rows):
        contract = contract_for(homeowner=homeowner, contractor=contractor, title=f"Job {n}",
                                milestones=[("A", 10_000), ("B", 20_000)])
        message_post(actor=contractor, contract_id=contract.pk, body="hello")
        submit(fund(contract.milestones.get(position=1), homeowner), contractor)
        JobFactory(homeowner=homeowner, status=Job.Status.REVIEWING)
    user = {"homeowner": homeowner, "contractor": contractor}[role]
    client.force_login(user)
    with django_assert_num_queries(DASHBOARD_QUERIES[role]):
        page = client.get(reverse("accounts:dashboard"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Waiting on you" in body and ("unread message" in body) == (role == "homeowner")
    assert body.count("Review the work on") == (rows if role == "homeowner" else 0)
    assert ("Finish your payout setup" in body) == (role == "contractor")


@pytest.mark.parametrize("role", ["homeowner", "contractor"])
def test_with_nothing_waiting_no_kind_of_todo_is_queried(client, homeowner, contractor, django_assert_num_queries, role):
    user = {"homeowner": homeowner, "contractor": contractor}[role]
    JobFactory(homeowner=homeowner, status=Job.Status.DRAFT)  # something of theirs, nothing due
    client.force_login(user)
    with django_assert_num_queries(QUIET_DASHBOARD_QUERIES[role]):
        page = client.get(reverse("accounts:dashboard"))
    assert "Nothing is waiting on you right now." in page.content.decode()


def test_a_job_in_review_asks_to_compare_and_hire(homeowner, contractor):
    job = JobFactory(homeowner=homeowner, title="Gutters", status=Job.Status.REVIEWING)
    BidFactory(job=job, contractor=contractor)
    [todo] = todos_for(homeowner)
    assert todo.text == "Compare the bids on “Gutters” and hire" and todo.url == reverse("bids:compare", args=[job.pk])
    assert texts(contractor) == []


def test_both_parties_are_asked_for_a_review_until_they_write_it(homeowner, contractor):
    from reviews.services import review_submit
    from reviews.tests.helpers import completed_contract

    contract = completed_contract(homeowner, contractor)
    title = contract.job.title
    assert f"Leave a review for “{title}”" in texts(homeowner)
    assert f"Leave a review for “{title}”" in texts(contractor)
    review_submit(actor=homeowner, contract_id=contract.pk, rating=5, body="Tidy, on time and as quoted.")
    assert f"Leave a review for “{title}”" not in texts(homeowner)
    assert f"Leave a review for “{title}”" in texts(contractor)


def test_a_proposed_change_waits_on_the_other_party(homeowner, contractor):
    from contracts.services.change_orders import Change, change_order_propose

    contract = contract_for(homeowner=homeowner, contractor=contractor, title="Porch", milestones=[("All", 10_000)])
    change_order_propose(actor=contractor, contract_id=contract.pk, reason="Paint too",
                         changes=[Change("add", title="Paint", amount_cents=5_000)])
    first = todos_for(homeowner)[0]
    assert first.urgent and "proposed a change to “Porch”" in first.text
    assert all("proposed a change" not in t for t in texts(contractor))
