"""Permission tables for reports: reporter {anonymous, homeowner owning the job, other
homeowner, contractor who bid, other contractor, party of the contract, staff} x target
{profile, job, question, review, message}, on the report page (GET and POST) and on
POST /api/v1/reports/. You may report only what you can see (404 otherwise: existence does
not leak), never your own content (403), and nothing about a report reveals a sealed bid."""

import pytest
from django.urls import reverse

from jobs.tests.factories import JobFactory
from moderation.models import Report

from .conftest import SEALED_CENTS

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "owner", "other_homeowner", "bidder", "other_contractor", "party", "staff"]
STRANGERS = dict(other_homeowner=404, bidder=404, other_contractor=404)

# What each reporter may do with each target: 200 the form / 201 created; 403 their own; 404 unseen.
TABLE = {
    "profile": dict(owner=200, other_homeowner=200, bidder=200, other_contractor=200, party=403, staff=200),
    "job": dict(owner=403, other_homeowner=200, bidder=200, other_contractor=200, party=200, staff=200),
    "question": dict(owner=200, other_homeowner=200, bidder=403, other_contractor=200, party=200, staff=200),
    "review": dict(owner=403, other_homeowner=200, bidder=200, other_contractor=200, party=200, staff=200),
    # A message only for the parties of its contract; staff read undisputed threads nowhere.
    "message": dict(owner=403, party=200, staff=404, **STRANGERS),
}


def _no_bid_leak(body: bytes):
    assert str(SEALED_CENTS).encode() not in body and b"432.10" not in body


def _url(world, kind):
    return reverse("moderation:report", args=[kind, world["targets"][kind]])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(TABLE))
def test_report_page(kind, role, world, client):
    user = world["people"][role]
    if user is not None:
        client.force_login(user)
    response = client.get(_url(world, kind))
    expected = 302 if role == "anonymous" else TABLE[kind][role]
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    if expected == 200:
        page = response.content.decode()
        assert 'for="id_reason"' in page and 'for="id_details"' in page  # labelled fields
        assert "Send report" in page
    if expected == 403:
        assert "You cannot report your own" in response.content.decode()
    _no_bid_leak(response.content)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(TABLE))
def test_report_post(kind, role, world, client):
    user = world["people"][role]
    if user is not None:
        client.force_login(user)
    response = client.post(_url(world, kind), {"reason": "spam", "details": "Posted everywhere"})
    allowed = role != "anonymous" and TABLE[kind][role] == 200
    expected = 302 if role == "anonymous" or allowed else TABLE[kind][role]
    assert response.status_code == expected
    assert Report.objects.filter(target_kind=kind).exists() == allowed
    if allowed:
        report = Report.objects.get(target_kind=kind)
        assert report.reporter == user and str(report.target_id) == str(world["targets"][kind])
        followed = client.get(response["Location"], follow=True)
        if followed.status_code == 200:
            assert "Our moderators will look at it" in followed.content.decode()
    _no_bid_leak(response.content)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(TABLE))
def test_api_report(kind, role, world, api_client, api_as):
    user = world["people"][role]
    client = api_as(user) if user is not None else api_client
    response = client.post("/api/v1/reports/", {"target_kind": kind, "target_id": str(world["targets"][kind]),
                                                "reason": "fraud", "details": "Looks like a scam"}, format="json")
    expected = 401 if role == "anonymous" else {200: 201}.get(TABLE[kind][role], TABLE[kind][role])
    assert response.status_code == expected, response.content
    if expected == 201:
        body = response.json()
        assert body["target_kind"] == kind and body["status"] == "open" and body["reason"] == "fraud"
        again = client.post("/api/v1/reports/", {"target_kind": kind, "target_id": str(world["targets"][kind]),
                                                 "reason": "fraud"}, format="json")
        assert again.status_code == 200 and again.json()["id"] == body["id"]  # one report, not two
    elif expected == 404:
        assert response.json()["error"]["code"] == "not_found"
    elif expected == 403:
        assert response.json()["error"]["code"] == "permission_denied"
    _no_bid_leak(response.content)


PRIVATE = {
    # A draft is seen by its owner and staff only; a published job removed by moderators too.
    "draft job": lambda world: ("job", JobFactory(homeowner=world["people"]["owner"], status="draft").pk),
    "unpublished review": lambda world: ("review", _unpublished(world)),
}


def _unpublished(world):
    review = world["review"]
    review.status = "submitted"
    review.save(update_fields=["status"])
    return review.pk


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(PRIVATE))
def test_what_cannot_be_seen_cannot_be_reported(name, role, world, client):
    kind, pk = PRIVATE[name](world)
    user = world["people"][role]
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("moderation:report", args=[kind, pk]))
    if role == "anonymous":
        assert response.status_code == 302
    elif name == "draft job" and role in ("owner", "staff"):
        assert response.status_code == (403 if role == "owner" else 200)
    else:
        assert response.status_code == 404


def test_unknown_kind_and_bad_input_never_500(world, client, api_as):
    client.force_login(world["people"]["other_homeowner"])
    assert client.get(f"/report/bid/{world['targets']['job']}/").status_code == 404  # bids are not reportable
    assert client.post(_url(world, "job"), {"reason": "nonsense"}).status_code == 400
    assert client.post(_url(world, "job"), {"reason": "other", "details": ""}).status_code == 400
    api = api_as(world["people"]["other_homeowner"])
    for body in ({}, {"target_kind": "bid", "target_id": str(world["targets"]["job"]), "reason": "spam"},
                 {"target_kind": "job", "target_id": "not-a-uuid", "reason": "spam"},
                 {"target_kind": "job", "target_id": str(world["targets"]["job"]), "reason": "other"},
                 {"target_kind": "job", "target_id": str(world["targets"]["job"]), "reason": "spam",
                  "details": "x" * 2001}):
        response = api.post("/api/v1/reports/", body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert response.json()["error"]["code"] == "validation_error"
    assert not Report.objects.exists()
