from datetime import timedelta

import pytest
from django.utils import timezone

from bids.models import Bid
from bids.tests.factories import BidFactory
from contracts.models import Contract
from jobs.models import Job
from jobs.services import job_close_bidding
from jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def terms(**overrides):
    data = {
        "amount_cents": 120_000,
        "estimated_days": 4,
        "proposed_start": str(timezone.localdate() + timedelta(days=5)),
        "message": "Two-person crew.",
        "milestones": [{"title": "Rough-in", "amount_cents": 50_000}, {"title": "Finish", "amount_cents": 70_000}],
    }
    return data | overrides


def test_place_bid(api_as, contractor):
    job = JobFactory()
    response = api_as(contractor).post(f"/api/v1/jobs/{job.pk}/bids/", terms(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["amount_cents"] == 120_000 and body["status"] == "active" and body["job"] == str(job.pk)
    assert body["milestones"] == [{"title": "Rough-in", "amount_cents": 50_000}, {"title": "Finish", "amount_cents": 70_000}]
    assert set(body["contractor"]) == {"id", "display_name", "rating_avg", "rating_count"}


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"amount_cents": 0, "milestones": []}, "amount_cents"),
        ({"amount_cents": -100}, "amount_cents"),
        ({"amount_cents": 100_000_001, "milestones": []}, "amount_cents"),
        ({"amount_cents": "lots"}, "amount_cents"),
        ({"milestones": [{"title": "Only part", "amount_cents": 10_000}]}, "milestones"),
        ({"milestones": [{"title": f"Step {i}", "amount_cents": 20_000} for i in range(6)]}, "milestones"),
        ({"milestones": [{"title": "", "amount_cents": 120_000}]}, "milestones.0.title"),
        ({"proposed_start": "2001-01-01"}, "proposed_start"),
    ],
)
def test_place_bid_bad_input(api_as, contractor, override, field):
    job = JobFactory()
    response = api_as(contractor).post(f"/api/v1/jobs/{job.pk}/bids/", terms(**override), format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error" and field in error["fields"]
    assert not Bid.objects.exists()


def test_second_bid_is_conflict(api_as, contractor):
    job = JobFactory()
    api = api_as(contractor)
    assert api.post(f"/api/v1/jobs/{job.pk}/bids/", terms(), format="json").status_code == 201
    response = api.post(f"/api/v1/jobs/{job.pk}/bids/", terms(), format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"


@pytest.mark.parametrize("status", [Job.Status.REVIEWING, Job.Status.CANCELLED])
def test_closed_job_is_not_found_for_non_bidders(api_as, contractor, status):
    job = JobFactory(status=status)
    BidFactory(job=job)
    response = api_as(contractor).post(f"/api/v1/jobs/{job.pk}/bids/", terms(), format="json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_bid_on_closed_job_by_earlier_bidder(api_as, contractor):
    job = JobFactory(status=Job.Status.REVIEWING)
    live = BidFactory(job=job, contractor=contractor, status=Bid.Status.NOT_SELECTED)
    response = api_as(contractor).post(f"/api/v1/jobs/{job.pk}/bids/", terms(), format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_state"
    assert Bid.objects.filter(job=job).count() == 1 and live.pk


def test_closed_job_is_closed_to_a_contractor_who_withdrew(api_as, contractor):
    """A withdrawn bid makes nobody a bidder: once bidding closed the job is a 404, as for
    a contractor who never bid."""
    job = JobFactory(status=Job.Status.REVIEWING)
    BidFactory(job=job, contractor=contractor, status=Bid.Status.WITHDRAWN)
    client = api_as(contractor)
    assert client.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert client.post(f"/api/v1/jobs/{job.pk}/bids/", terms(), format="json").status_code == 404
    assert client.get(f"/api/v1/jobs/{job.pk}/bid-summary/").status_code == 404
    assert Bid.objects.filter(job=job).count() == 1


def test_unverified_phone_cannot_bid(api_as, contractor):
    contractor.phone_verified_at = None
    contractor.save()
    response = api_as(contractor).post(f"/api/v1/jobs/{JobFactory().pk}/bids/", terms(), format="json")
    assert response.status_code == 403 and "phone" in response.json()["error"]["message"]


def test_non_json_body_is_415(api_as, contractor):
    response = api_as(contractor).post(f"/api/v1/jobs/{JobFactory().pk}/bids/", "amount=1", content_type="text/plain")
    assert response.status_code == 415 and response.json()["error"]["code"] == "unsupported_media_type"


def test_revise_keeps_revision_and_accept_flow(api_as, homeowner, contractor, other_homeowner):
    job = JobFactory(homeowner=homeowner)
    api = api_as(contractor)
    bid_id = api.post(f"/api/v1/jobs/{job.pk}/bids/", terms(), format="json").json()["id"]
    revised = api.patch(f"/api/v1/bids/{bid_id}/", {"amount_cents": 110_000, "milestones": []}, format="json")
    assert revised.status_code == 200 and revised.json()["revision_count"] == 1
    assert revised.json()["milestones"] == [{"title": "Complete the work", "amount_cents": 110_000}]
    owner = api_as(homeowner)
    assert owner.post(f"/api/v1/bids/{bid_id}/accept/").status_code == 409  # still sealed
    assert owner.post(f"/api/v1/jobs/{job.pk}/close-bidding/").json()["status"] == "reviewing"
    assert api_as(other_homeowner).post(f"/api/v1/bids/{bid_id}/accept/").status_code == 404
    response = owner.post(f"/api/v1/bids/{bid_id}/accept/")
    assert response.status_code == 201
    contract = response.json()
    assert contract["total_cents"] == 110_000 and contract["fee_bps"] == 500 and contract["status"] == "awaiting_funding"
    assert contract["milestones"][0]["fee_cents"] == 5_500 and contract["milestones"][0]["status"] == "unfunded"
    again = owner.post(f"/api/v1/bids/{bid_id}/accept/")
    assert again.status_code == 409 and Contract.objects.count() == 1


def test_contract_cancel_reopens_job(api_as, homeowner, contractor, other_contractor):
    job = JobFactory(homeowner=homeowner)
    first = BidFactory(job=job, contractor=contractor)
    second = BidFactory(job=job, contractor=other_contractor)
    job_close_bidding(actor=homeowner, job=job)
    owner = api_as(homeowner)
    contract_id = owner.post(f"/api/v1/bids/{first.pk}/accept/").json()["id"]
    assert api_as(contractor).post(f"/api/v1/contracts/{contract_id}/cancel/").status_code == 403
    assert owner.post(f"/api/v1/contracts/{contract_id}/cancel/").json()["status"] == "cancelled"
    job.refresh_from_db()
    second.refresh_from_db()
    assert job.status == Job.Status.REVIEWING and second.status == Bid.Status.ACTIVE
    assert owner.post(f"/api/v1/bids/{second.pk}/accept/").status_code == 201


def test_my_bids_filter(api_as, contractor):
    BidFactory(contractor=contractor)
    BidFactory(contractor=contractor, status=Bid.Status.WITHDRAWN)
    api = api_as(contractor)
    assert len(api.get("/api/v1/bids/").json()["results"]) == 2
    assert [b["status"] for b in api.get("/api/v1/bids/?status=withdrawn").json()["results"]] == ["withdrawn"]
    assert api.get("/api/v1/bids/?status=bogus").status_code == 400


def _bids(contractor, n):
    for _ in range(n):
        BidFactory(contractor=contractor, milestones=[("One", 20_000), ("Two", 25_000)])


@pytest.mark.parametrize("rows", [5, 50])
def test_my_bids_query_count(api_as, contractor, django_assert_max_num_queries, rows):
    _bids(contractor, rows)
    api = api_as(contractor)
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/bids/?page_size=100")
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_comparison_page_query_count(client, homeowner, django_assert_max_num_queries, rows):
    job = JobFactory(homeowner=homeowner)
    for _ in range(rows):
        BidFactory(job=job, milestones=[("One", 20_000), ("Two", 25_000)])
    job_close_bidding(actor=homeowner, job=job)
    client.force_login(homeowner)
    # session, user, job, photos, bids, milestones, credentials, logos, the price band's two
    # reads, base.html's banner and bell: 12 whatever the number of bids.
    with django_assert_max_num_queries(12):
        response = client.get(f"/jobs/{job.pk}/compare/")
    assert response.status_code == 200 and len(response.context["bids"]) == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_my_bids_page_query_count(client, contractor, django_assert_max_num_queries, rows):
    _bids(contractor, rows)
    client.force_login(contractor)
    with django_assert_max_num_queries(10):
        assert client.get("/bids/").status_code == 200
