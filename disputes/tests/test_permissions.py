"""Permission tables: every dispute page and endpoint x {anonymous, homeowner (opener),
contractor, other homeowner, other contractor, staff}. Outsiders get 404, never 403."""

import pytest
from django.urls import reverse

from disputes import services
from payments.tests.images import png_upload

from .helpers import disputed, first_milestone, fund

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "homeowner", "contractor", "other_homeowner", "other_contractor", "staff"]


@pytest.fixture
def world(contract, homeowner, contractor, other_homeowner, other_contractor, staff_user):
    dispute = disputed(contract, submitted=False)
    services.message_post(actor=homeowner, dispute_id=dispute.pk, body="Photo", files=[png_upload()])
    offer = services.offer_make(actor=contractor, dispute_id=dispute.pk, contractor_amount_cents=20_000)
    people = {"anonymous": None, "homeowner": homeowner, "contractor": contractor, "other_homeowner": other_homeowner,
              "other_contractor": other_contractor, "staff": staff_user}
    return {"dispute": dispute, "offer": offer, "people": people, "file": dispute.files.get()}


def _api(api_client, api_as, user):
    return api_as(user) if user is not None else api_client


API_TABLE = {
    # name: (method, path(world), body, {role: status})
    "list": ("get", lambda w: "/api/v1/disputes/", None,
             dict(anonymous=401, homeowner=200, contractor=200, other_homeowner=200, other_contractor=200, staff=200)),
    "detail": ("get", lambda w: f"/api/v1/disputes/{w['dispute'].pk}/", None,
               dict(anonymous=401, homeowner=200, contractor=200, other_homeowner=404, other_contractor=404, staff=200)),
    "message": ("post", lambda w: f"/api/v1/disputes/{w['dispute'].pk}/messages/", {"body": "hello"},
                dict(anonymous=401, homeowner=201, contractor=201, other_homeowner=404, other_contractor=404,
                     staff=201)),
    "offer": ("post", lambda w: f"/api/v1/disputes/{w['dispute'].pk}/offers/", {"contractor_amount_cents": 100},
              dict(anonymous=401, homeowner=201, contractor=201, other_homeowner=404, other_contractor=404,
                   staff=403)),
    "accept": ("post", lambda w: f"/api/v1/offers/{w['offer'].pk}/accept/", None,
               dict(anonymous=401, homeowner=200, contractor=403, other_homeowner=404, other_contractor=404,
                    staff=403)),
    "reject": ("post", lambda w: f"/api/v1/offers/{w['offer'].pk}/reject/", None,
               dict(anonymous=401, homeowner=200, contractor=403, other_homeowner=404, other_contractor=404,
                    staff=403)),
    "withdraw": ("post", lambda w: f"/api/v1/disputes/{w['dispute'].pk}/withdraw/", None,
                 dict(anonymous=401, homeowner=200, contractor=403, other_homeowner=404, other_contractor=404,
                      staff=403)),
    "escalate": ("post", lambda w: f"/api/v1/disputes/{w['dispute'].pk}/escalate/", None,
                 dict(anonymous=401, homeowner=200, contractor=200, other_homeowner=404, other_contractor=404,
                      staff=403)),
    "resolve": ("post", lambda w: f"/api/v1/disputes/{w['dispute'].pk}/resolve/",
                {"outcome": "refund", "reason": "Evidence is clear."},
                dict(anonymous=401, homeowner=403, contractor=403, other_homeowner=404, other_contractor=404,
                     staff=200)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(API_TABLE))
def test_api_permissions(world, api_client, api_as, django_capture_on_commit_callbacks, name, role):
    method, path, body, expected = API_TABLE[name]
    client = _api(api_client, api_as, world["people"][role])
    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(client, method)(path(world), body, format="json")
    assert response.status_code == expected[role], response.content
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"code", "message"}
    if name == "list" and role != "anonymous":
        count = len(response.json()["results"])
        assert count == (1 if role in ("homeowner", "contractor", "staff") else 0)


@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("homeowner", 201), ("contractor", 201),
                                            ("other_homeowner", 404), ("other_contractor", 404), ("staff", 403)])
def test_api_open_permissions(contract, homeowner, contractor, other_homeowner, other_contractor, staff_user,
                              api_client, api_as, role, expected):
    milestone = fund(first_milestone(contract), homeowner)
    people = {"anonymous": None, "homeowner": homeowner, "contractor": contractor, "other_homeowner": other_homeowner,
              "other_contractor": other_contractor, "staff": staff_user}
    response = _api(api_client, api_as, people[role]).post(
        f"/api/v1/milestones/{milestone.pk}/disputes/",
        {"reason": "quality", "description": "Cracked tiles.", "requested_refund_cents": 5_000}, format="json")
    assert response.status_code == expected, response.content
    if expected == 201:
        body = response.json()
        assert body["status"] == "awaiting_response" and body["milestone"] == str(milestone.pk)
        assert {"response_due_at", "messages", "offers", "outcome", "refund_cents"} <= set(body)


WEB_TABLE = {
    "detail": (lambda w: reverse("disputes:detail", args=[w["dispute"].pk]),
               dict(homeowner=200, contractor=200, other_homeowner=404, other_contractor=404, staff=200)),
    "list": (lambda w: reverse("disputes:list"),
             dict(homeowner=200, contractor=200, other_homeowner=200, other_contractor=200, staff=200)),
    "open": (lambda w: reverse("disputes:open", args=[w["dispute"].contract.milestones.order_by("position")
                                                          .last().pk]),
             dict(homeowner=200, contractor=200, other_homeowner=404, other_contractor=404, staff=404)),
    "file": (lambda w: reverse("disputes:file", args=[w["file"].pk]),
             dict(homeowner=200, contractor=200, other_homeowner=404, other_contractor=404, staff=200)),
    "admin": (lambda w: reverse("admin:disputes_dispute_change", args=[w["dispute"].pk]),
              dict(homeowner=302, contractor=302, other_homeowner=302, other_contractor=302, staff=200)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(WEB_TABLE))
def test_web_permissions(world, client, name, role):
    path, expected = WEB_TABLE[name]
    user = world["people"][role]
    if user is not None:
        client.force_login(user)
    response = client.get(path(world))
    if role == "anonymous":
        assert response.status_code == 302 and "login" in response["Location"]
    else:
        assert response.status_code == expected[role]


def test_staff_notes_never_reach_parties(world, client, api_as, staff_user):
    services.staff_note_add(actor=staff_user, dispute_id=world["dispute"].pk, body="SECRET-NOTE homeowner seems right")
    for role in ("homeowner", "contractor"):
        user = world["people"][role]
        client.force_login(user)
        page = client.get(reverse("disputes:detail", args=[world["dispute"].pk]))
        assert b"SECRET-NOTE" not in page.content
        api = api_as(user).get(f"/api/v1/disputes/{world['dispute'].pk}/")
        assert b"SECRET-NOTE" not in api.content
    client.force_login(staff_user)
    assert b"SECRET-NOTE" in client.get(reverse("admin:disputes_dispute_change", args=[world["dispute"].pk])).content
