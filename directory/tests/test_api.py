"""API: the contractor detail's logo, portfolio and metrics; invitations to bid, with the
same rules as the web (rate limit 429, opt-out and closed job 409, other people's jobs 404)
and never a word about bids."""

import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import ContractorFactory, StaffFactory
from bids.tests.factories import BidFactory
from directory import services
from directory.models import ContractorStats, Invitation, PortfolioPhoto
from directory.tests.test_logo import big_jpeg_with_gps
from jobs.models import Job
from jobs.tests.factories import JobFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_contractor_detail_has_logo_portfolio_and_metrics(api_client, contractor, django_assert_max_num_queries):
    url = f"/api/v1/contractors/{contractor.pk}/"
    bare = api_client.get(url).json()
    assert bare["logo_url"] is None and bare["portfolio"] == []
    assert bare["metrics"]["on_time_rate"] is None and bare["metrics"]["dispute_rate"] is None
    assert bare["metrics"]["response_time_hours"] is None and bare["metrics"]["jobs_completed"] == 0

    logo = services.logo_set(actor=contractor, image=big_jpeg_with_gps())
    PortfolioPhoto.objects.bulk_create(PortfolioPhoto(contractor=contractor, image=f"portfolio/x{i}.png",
                                                      content_type="image/png", caption=f"Job {i}", position=i + 1)
                                       for i in range(3))
    ContractorStats.objects.create(contractor=contractor, contracts=10, contracts_disputed=1, milestones_completed=4,
                                   milestones_on_time=4, reply_samples=6, reply_median_minutes=90,
                                   computed_at=timezone.now())
    with django_assert_max_num_queries(6):
        data = api_client.get(url).json()
    assert data["logo_url"] == f"http://testserver/contractors/{contractor.pk}/logo/{logo.pk}/"
    assert [p["caption"] for p in data["portfolio"]] == ["Job 0", "Job 1", "Job 2"]
    first = PortfolioPhoto.objects.get(caption="Job 0")
    assert data["portfolio"][0]["image_url"] == f"http://testserver/contractors/{contractor.pk}/portfolio/{first.pk}/"
    metrics = data["metrics"]
    assert metrics["dispute_rate"] == 0.1 and metrics["response_time_hours"] == 1.5
    assert metrics["on_time_rate"] is None  # 4 completed milestones: below 5
    assert metrics["counts"]["milestones_on_time"] == 4 and "credentials" in data
    listed = api_client.get("/api/v1/contractors/").json()["results"]
    assert listed[0]["logo_url"] == data["logo_url"] and "portfolio" not in listed[0]


def test_contractor_list_query_count_is_flat(api_client, django_assert_num_queries, django_assert_max_num_queries):
    for _ in range(2):
        services.logo_set(actor=ContractorFactory(), image=big_jpeg_with_gps((50, 50)))
    with django_assert_max_num_queries(6) as few:
        api_client.get("/api/v1/contractors/")
    for _ in range(10):
        services.logo_set(actor=ContractorFactory(), image=big_jpeg_with_gps((50, 50)))
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(api_client.get("/api/v1/contractors/").json()["results"]) == 12


# --- invitations ----------------------------------------------------------------------------
def _post(client, job, contractor):
    return client.post(f"/api/v1/jobs/{job.pk}/invitations/", {"contractor": str(contractor.pk)}, format="json")


def test_homeowner_invites_over_the_api(api_as, homeowner, contractor, other_contractor):
    job = JobFactory(homeowner=homeowner, title="Fix the porch")
    BidFactory(job=job, contractor=other_contractor, amount_cents=88_800)
    response = _post(api_as(homeowner), job, contractor)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["job"]["title"] == "Fix the porch" and body["contractor"]["id"] == str(contractor.pk)
    # The other bid's amount in any form; ids and times are random digits, so leave them out.
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}|\d{4}-\d\d-\d\dT[\d:.]+Z?", "", response.content.decode())
    assert "888" not in text and "bid" not in str(sorted(body))
    assert Notification.objects.filter(recipient=contractor, event="bid.invited").count() == 1
    again = _post(api_as(homeowner), job, contractor)
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"


def test_inviting_a_contractor_who_already_bid_reveals_nothing(api_as, homeowner, other_contractor):
    """While bidding is open the homeowner may not learn who bid: same answer as for anyone."""
    job = JobFactory(homeowner=homeowner)
    BidFactory(job=job, contractor=other_contractor)
    response = _post(api_as(homeowner), job, other_contractor)
    assert response.status_code == 201
    assert not Notification.objects.filter(recipient=other_contractor, event="bid.invited").exists()


@pytest.mark.parametrize("who, status", [("anonymous", 401), ("owner", 201), ("other_homeowner", 404),
                                         ("bidding_contractor", 403), ("other_contractor", 403), ("staff", 404)])
def test_invite_permissions(api_as, homeowner, other_homeowner, contractor, other_contractor, who, status):
    job = JobFactory(homeowner=homeowner)
    bidder = ContractorFactory()
    BidFactory(job=job, contractor=bidder)
    people = {"owner": homeowner, "other_homeowner": other_homeowner, "bidding_contractor": bidder,
              "other_contractor": other_contractor, "staff": StaffFactory()}
    client = APIClient() if who == "anonymous" else api_as(people[who])
    response = _post(client, job, contractor)
    assert response.status_code == status, response.content
    assert Invitation.objects.exists() == (status == 201)


def test_invite_rules_answer_409_and_429(api_as, homeowner, contractor):
    client = api_as(homeowner)
    closed = JobFactory(homeowner=homeowner, status=Job.Status.REVIEWING, bidding_closed_at=timezone.now())
    response = _post(client, closed, contractor)
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_state"
    job = JobFactory(homeowner=homeowner)
    services.invitations_set(actor=contractor, enabled=False)
    response = _post(client, job, contractor)
    assert response.status_code == 409 and "not taking invitations" in response.json()["error"]["message"]
    bad = client.post(f"/api/v1/jobs/{job.pk}/invitations/", {"contractor": "nope"}, format="json")
    assert bad.status_code == 400 and "contractor" in bad.json()["error"]["fields"]
    unknown = client.post(f"/api/v1/jobs/{job.pk}/invitations/", {"contractor": str(homeowner.pk)}, format="json")
    assert unknown.status_code == 400
    assert client.post("/api/v1/jobs/00000000-0000-4000-8000-000000000000/invitations/",
                       {"contractor": str(contractor.pk)}, format="json").status_code == 404
    for _ in range(services.MAX_INVITATIONS_PER_DAY):
        assert _post(client, job, ContractorFactory()).status_code == 201
    limited = _post(client, job, ContractorFactory())
    assert limited.status_code == 429 and limited.json()["error"]["code"] == "rate_limited"
    assert 0 < int(limited["Retry-After"]) <= 24 * 3600


def test_invitation_lists_per_side(api_as, homeowner, other_homeowner, contractor, other_contractor,
                                   django_assert_max_num_queries):
    mine = JobFactory(homeowner=homeowner, title="Deck")
    theirs = JobFactory(homeowner=other_homeowner, title="Roof")
    services.invitation_send(actor=homeowner, contractor_id=contractor.pk, job_id=mine.pk)
    services.invitation_send(actor=homeowner, contractor_id=other_contractor.pk, job_id=mine.pk)
    services.invitation_send(actor=other_homeowner, contractor_id=contractor.pk, job_id=theirs.pk)
    sent = api_as(homeowner).get("/api/v1/invitations/").json()["results"]
    assert sorted(i["contractor"]["id"] for i in sent) == sorted([str(contractor.pk), str(other_contractor.pk)])
    client = api_as(contractor)
    with django_assert_max_num_queries(5):
        received = client.get("/api/v1/invitations/").json()["results"]
    assert {i["job"]["title"] for i in received} == {"Deck", "Roof"}
    assert api_as(other_contractor).get("/api/v1/invitations/").json()["results"][0]["job"]["title"] == "Deck"
    assert APIClient().get("/api/v1/invitations/").status_code == 401
