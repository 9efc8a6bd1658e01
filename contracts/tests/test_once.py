"""Contract forms cannot be submitted twice (core.once): the same rendered form sent again
creates nothing more and lands where the first one did, without an error."""

import pytest
from django.urls import reverse

from contracts import services as lifecycle
from contracts.models import ChangeOrder, Contract, Submission
from contracts.services.change_orders import Change, change_order_propose
from contracts.tests.factories import contract_for
from jobs.models import Job
from jobs.tests.factories import JobFactory
from payments.models import Release
from payments.tests.helpers import onboard
from payments.tests.images import png_upload

pytestmark = pytest.mark.django_db


def twice(client, user, url, data):
    client.force_login(user)
    data = {**data, "form_token": "double-click-token-0002"}
    first = client.post(url, data)
    second = client.post(url, {**data, **{k: png_upload() for k in data if k == "evidence"}})
    assert first.status_code == second.status_code == 302, (first.content, second.content)
    assert first["Location"] == second["Location"]
    page = client.get(second["Location"]).content.decode()
    assert 'class="message error' not in page  # the repeat was quiet: no "already ..." error
    return page


@pytest.fixture
def funded(simulated, homeowner, contractor):
    onboard(contractor)
    contract = contract_for(homeowner=homeowner, contractor=contractor)
    milestone = contract.milestones.get(position=1)
    lifecycle.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    return milestone


def test_submit_completion_twice_submits_once(funded, contractor, client):
    twice(client, contractor, reverse("contracts:milestone_submit", args=[funded.pk]),
          {"notes": "Rough-in done", "evidence": png_upload()})
    assert Submission.objects.filter(milestone=funded).count() == 1


def test_approve_twice_releases_once(funded, homeowner, contractor, client, django_capture_on_commit_callbacks):
    lifecycle.milestone_submit(actor=contractor, milestone_id=funded.pk, notes="Done", files=[png_upload()])
    with django_capture_on_commit_callbacks(execute=True):
        page = twice(client, homeowner, reverse("contracts:milestone_approve", args=[funded.pk]), {})
    assert Release.objects.filter(milestone=funded).count() == 1 and "Approved." in page


def test_request_changes_twice_is_one_request(funded, homeowner, contractor, client):
    lifecycle.milestone_submit(actor=contractor, milestone_id=funded.pk, notes="Done", files=[png_upload()])
    page = twice(client, homeowner, reverse("contracts:milestone_request_changes", args=[funded.pk]),
                 {"note": "Paint the trim."})
    assert "Changes requested. The contractor" in page
    assert Submission.objects.get(milestone=funded).changes_requested_note == "Paint the trim."


@pytest.mark.parametrize("decision, status", [("accept", "accepted"), ("decline", "declined")])
def test_answering_a_change_twice_answers_once(simulated, homeowner, contractor, client, decision, status):
    contract = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("Frame", 30_000)])
    order = change_order_propose(actor=contractor, contract_id=contract.pk, reason="Gutters too",
                                 changes=[Change("add", title="Gutters", amount_cents=12_000)])
    twice(client, homeowner, reverse("contracts:change_order_answer", args=[contract.pk, order.pk, decision]), {})
    order.refresh_from_db()
    contract.refresh_from_db()
    assert order.status == status and ChangeOrder.objects.count() == 1
    assert (contract.version, contract.milestones.count()) == ((2, 2) if decision == "accept" else (1, 1))


def test_cancel_asks_first_then_cancels_once(simulated, homeowner, contractor, client):
    contract = contract_for(homeowner=homeowner, contractor=contractor)
    url = reverse("contracts:cancel", args=[contract.pk])
    client.force_login(homeowner)
    confirm = client.get(url).content.decode()
    assert "Cancel this contract?" in confirm and "nothing is charged" in confirm
    contract.refresh_from_db()
    assert contract.status == Contract.Status.AWAITING_FUNDING  # a GET changes nothing
    twice(client, homeowner, url, {})
    contract.refresh_from_db()
    assert contract.status == Contract.Status.CANCELLED
    client.force_login(contractor)
    assert client.get(url).status_code == 404  # only the homeowner is offered the step


def test_publish_twice_publishes_once(homeowner, client):
    job = JobFactory(homeowner=homeowner, status=Job.Status.DRAFT)
    page = twice(client, homeowner, reverse("jobs:publish", args=[job.pk]), {})
    job.refresh_from_db()
    assert job.status == Job.Status.OPEN and "Your job is live." in page
