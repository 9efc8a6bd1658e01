from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bids.tests.factories import BidFactory
from contracts.tests.factories import contract_for
from jobs.models import Job
from jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def job_post_data(**overrides):
    today = timezone.localdate()
    data = {
        "title": "Replace water heater",
        "category": "plumbing",
        "description": "50 gallon gas water heater in the garage is leaking at the base.",
        "zip_code": "78704",
        "address": "12 Oak St",
        "budget_min_cents": "1,200",
        "budget_max_cents": "2500.50",
        "desired_start": (today + timedelta(days=10)).isoformat(),
        "bidding_deadline": (today + timedelta(days=7)).isoformat(),
        "action": "publish",
    }
    return data | overrides


def test_post_job_publish_and_draft(client, homeowner):
    client.force_login(homeowner)
    response = client.post(reverse("jobs:create"), job_post_data())
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == Job.Status.OPEN
    assert (job.city, job.state, job.budget_max_cents) == ("Austin", "TX", 250_050)
    client.post(reverse("jobs:create"), job_post_data(action="draft", title="Paint the fence"))
    assert Job.objects.get(title="Paint the fence").status == Job.Status.DRAFT


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"budget_min_cents": "3000", "budget_max_cents": "2000"}, "budget_max_cents"),
        ({"budget_min_cents": "-5"}, "budget_min_cents"),
        ({"budget_max_cents": "1000000.01"}, "budget_max_cents"),
        ({"zip_code": "00000"}, "zip_code"),
        ({"bidding_deadline": "2001-01-01"}, "bidding_deadline"),
        ({"bidding_deadline": (timezone.localdate() + timedelta(days=45)).isoformat()}, "bidding_deadline"),
    ],
)
def test_post_job_bad_input(client, homeowner, override, field):
    client.force_login(homeowner)
    response = client.post(reverse("jobs:create"), job_post_data(**override))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Job.objects.exists()


def test_every_page_renders(client, homeowner, contractor, other_contractor):
    job = JobFactory(homeowner=homeowner)
    bid = BidFactory(job=job, contractor=contractor)
    contract = contract_for(homeowner=homeowner, contractor=contractor)
    no_bids = JobFactory(homeowner=homeowner)
    client.force_login(homeowner)
    for url in [reverse("jobs:board"), reverse("jobs:mine"), reverse("jobs:create"), reverse("jobs:detail", args=[job.pk]),
                reverse("jobs:edit", args=[no_bids.pk]), reverse("jobs:cancel", args=[job.pk]), reverse("contracts:list"),
                reverse("contracts:detail", args=[contract.pk])]:
        assert client.get(url).status_code == 200, url
    client.force_login(contractor)
    for url in [reverse("jobs:board"), reverse("jobs:detail", args=[job.pk]), reverse("bids:mine"),
                reverse("bids:revise", args=[bid.pk]), reverse("contracts:detail", args=[contract.pk])]:
        assert client.get(url).status_code == 200, url
    client.force_login(other_contractor)
    assert client.get(reverse("bids:place", args=[job.pk])).status_code == 200
