"""Permission tables: every page and endpoint of jobs/bids/contracts x six kinds of caller,
in the three phases of sealed bidding. Every response is also searched for sealed-bid leaks."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bids.tests.scenario import BIDDER_SECRETS, RIVAL_NAME, RIVAL_SECRETS, ROLES, assert_absent
from contracts import services as contract_services
from jobs.services import job_close_bidding

pytestmark = pytest.mark.django_db

ADDRESS = "742 Evergreen Terrace"


def _check_leaks(phase, role, body, where):
    """What each caller must never see, whatever the status code."""
    # The rival's amount: never, except to staff and to the owner once bidding closed; not
    # even to the losing bidder after the award (two bids: a range would be the winner's price).
    if role != "staff" and not (role == "owner" and phase != "open"):
        assert_absent(body, RIVAL_SECRETS[:2], where)
    if role not in ("staff", "owner"):
        assert_absent(body, (RIVAL_NAME,), where)
    if role not in ("staff", "bidder") and phase == "open":
        assert_absent(body, BIDDER_SECRETS, where)
    if role not in ("owner", "staff") and not (role == "bidder" and phase == "awarded_to_bidder"):
        assert_absent(body, (ADDRESS,), where)
    if role not in ("owner", "staff") and body.lstrip().startswith(("{", "[")):
        data = json.loads(body)
        rows = data.get("results", [data]) if isinstance(data, dict) else data
        for row in rows:
            if isinstance(row, dict) and "bid_count" in row:
                assert row["bid_count"] is None, f"bid_count shown to {role} in {where}"


def _run_web(scenario, as_role, phase, role, url, expected):
    web, _ = as_role(scenario, role)
    response = web.get(url)
    assert response.status_code == expected, f"{role} GET {url}: {response.status_code}"
    _check_leaks(phase, role, response.content.decode(), url)
    return response


def _run_api(scenario, as_role, phase, role, method, url, data, expected):
    _, api = as_role(scenario, role)
    response = getattr(api, method)(url, data, format="json") if method != "get" else api.get(url)
    assert response.status_code == expected, f"{role} {method.upper()} {url}: {response.status_code} {response.content[:300]}"
    if response.status_code >= 400:
        assert set(response.json()) == {"error"} and response.json()["error"]["code"]
    _check_leaks(phase, role, response.content.decode(), url)
    return response


def _bid_terms(amount=50_000):
    return {"amount_cents": amount, "estimated_days": 3, "proposed_start": str(timezone.localdate() + timedelta(days=5))}


# --- Phase 1: the job is open, both bids sealed ---------------------------------------------
#                 anonymous, owner, other_homeowner, bidder, other_contractor, staff
OPEN_PAGES = {
    "board": (lambda s: reverse("jobs:board"), [200, 200, 200, 200, 200, 200]),
    "detail": (lambda s: reverse("jobs:detail", args=[s.job.pk]), [200, 200, 200, 200, 200, 200]),
    "my_jobs": (lambda s: reverse("jobs:mine"), [302, 200, 200, 302, 302, 200]),
    "post_job": (lambda s: reverse("jobs:create"), [302, 200, 200, 302, 302, 200]),
    "edit": (lambda s: reverse("jobs:edit", args=[s.job.pk]), [302, 302, 404, 404, 404, 404]),
    "cancel": (lambda s: reverse("jobs:cancel", args=[s.job.pk]), [302, 200, 404, 404, 404, 404]),
    "compare": (lambda s: reverse("bids:compare", args=[s.job.pk]), [302, 302, 404, 404, 404, 302]),
    "place_bid": (lambda s: reverse("bids:place", args=[s.job.pk]), [302, 302, 302, 302, 200, 302]),
    "revise_bid": (lambda s: reverse("bids:revise", args=[s.bid.pk]), [302, 404, 404, 200, 404, 404]),
    "accept_rival": (lambda s: reverse("bids:accept", args=[s.rival_bid.pk]), [302, 404, 404, 404, 404, 404]),
    "my_bids": (lambda s: reverse("bids:mine"), [302, 404, 404, 200, 200, 404]),
    "contracts": (lambda s: reverse("contracts:list"), [302, 200, 200, 200, 200, 200]),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", OPEN_PAGES)
def test_pages_while_open(scenario, as_role, page, role):
    url, expected = OPEN_PAGES[page]
    _run_web(scenario, as_role, "open", role, url(scenario), expected[ROLES.index(role)])


def test_owner_sees_only_the_count_while_open(scenario, as_role):
    web, api = as_role(scenario, "owner")
    body = web.get(reverse("jobs:detail", args=[scenario.job.pk])).content.decode()
    assert "bids received" in body and "Close bidding" in body
    assert api.get(f"/api/v1/jobs/{scenario.job.pk}/").json()["bid_count"] == 2
    assert api.get(f"/api/v1/jobs/{scenario.job.pk}/bid-summary/").json() == {"count": 2, "awarded": False}


OPEN_API = {
    #  name: (method, url(s), data(s), expected per role)
    "list_jobs": ("get", lambda s: "/api/v1/jobs/", None, [200, 200, 200, 200, 200, 200]),
    "job": ("get", lambda s: f"/api/v1/jobs/{s.job.pk}/", None, [200, 200, 200, 200, 200, 200]),
    "patch_job": ("patch", lambda s: f"/api/v1/jobs/{s.job.pk}/", lambda s: {"title": "New title here"}, [401, 409, 404, 404, 404, 404]),
    "publish": ("post", lambda s: f"/api/v1/jobs/{s.job.pk}/publish/", None, [401, 409, 404, 404, 404, 404]),
    "close_bidding": ("post", lambda s: f"/api/v1/jobs/{s.job.pk}/close-bidding/", None, [401, 200, 404, 404, 404, 404]),
    "cancel": ("post", lambda s: f"/api/v1/jobs/{s.job.pk}/cancel/", None, [401, 200, 404, 404, 404, 404]),
    "photos": ("get", lambda s: f"/api/v1/jobs/{s.job.pk}/photos/", None, [200, 200, 200, 200, 200, 200]),
    "questions": ("get", lambda s: f"/api/v1/jobs/{s.job.pk}/questions/", None, [200, 200, 200, 200, 200, 200]),
    "ask": ("post", lambda s: f"/api/v1/jobs/{s.job.pk}/questions/", lambda s: {"body": "Is there attic access?"}, [401, 403, 403, 201, 201, 403]),
    "job_bids": ("get", lambda s: f"/api/v1/jobs/{s.job.pk}/bids/", None, [401, 409, 404, 200, 200, 200]),
    "place_bid": ("post", lambda s: f"/api/v1/jobs/{s.job.pk}/bids/", lambda s: _bid_terms(), [401, 403, 403, 409, 201, 403]),
    "bid_summary": ("get", lambda s: f"/api/v1/jobs/{s.job.pk}/bid-summary/", None, [401, 200, 404, 404, 404, 200]),
    "my_bids": ("get", lambda s: "/api/v1/bids/", None, [401, 403, 403, 200, 200, 200]),
    "bid": ("get", lambda s: f"/api/v1/bids/{s.bid.pk}/", None, [401, 404, 404, 200, 404, 200]),
    "rival_bid": ("get", lambda s: f"/api/v1/bids/{s.rival_bid.pk}/", None, [401, 404, 404, 404, 404, 200]),
    # A homeowner's token never carries bids:write (accounts.scopes), so bid writes stop at the
    # scope check (403 insufficient_scope, which says nothing about the bid) before any lookup.
    "revise": ("patch", lambda s: f"/api/v1/bids/{s.bid.pk}/", lambda s: {"amount_cents": 70_000}, [401, 403, 403, 200, 404, 404]),
    "withdraw": ("post", lambda s: f"/api/v1/bids/{s.bid.pk}/withdraw/", None, [401, 403, 403, 200, 404, 404]),
    "accept": ("post", lambda s: f"/api/v1/bids/{s.bid.pk}/accept/", None, [401, 409, 404, 404, 404, 404]),
    "contracts": ("get", lambda s: "/api/v1/contracts/", None, [401, 200, 200, 200, 200, 200]),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", OPEN_API)
def test_api_while_open(scenario, as_role, endpoint, role):
    method, url, data, expected = OPEN_API[endpoint]
    _run_api(scenario, as_role, "open", role, method, url(scenario), data(scenario) if data else None,
             expected[ROLES.index(role)])


def test_bidder_sees_only_own_bid_in_lists(scenario, as_role):
    _, api = as_role(scenario, "bidder")
    rows = api.get(f"/api/v1/jobs/{scenario.job.pk}/bids/").json()
    assert [row["id"] for row in rows] == [str(scenario.bid.pk)]
    assert [row["id"] for row in api.get("/api/v1/bids/").json()["results"]] == [str(scenario.bid.pk)]
    _, staff_api = as_role(scenario, "staff")
    assert len(staff_api.get(f"/api/v1/jobs/{scenario.job.pk}/bids/").json()) == 2


# --- Phase 2: bidding closed, the owner compares ----------------------------------------------
@pytest.fixture
def reviewing(scenario):
    job_close_bidding(actor=scenario.users["owner"], job=scenario.job)
    scenario.job.refresh_from_db()
    return scenario


REVIEWING = {
    "detail": ("page", lambda s: reverse("jobs:detail", args=[s.job.pk]), [404, 200, 404, 200, 404, 200]),
    "compare": ("page", lambda s: reverse("bids:compare", args=[s.job.pk]), [302, 200, 404, 404, 404, 200]),
    "accept_page": ("page", lambda s: reverse("bids:accept", args=[s.rival_bid.pk]), [302, 200, 404, 404, 404, 404]),
    "job": ("api", lambda s: f"/api/v1/jobs/{s.job.pk}/", [404, 200, 404, 200, 404, 200]),
    "job_bids": ("api", lambda s: f"/api/v1/jobs/{s.job.pk}/bids/", [401, 200, 404, 200, 404, 200]),
    "rival_bid": ("api", lambda s: f"/api/v1/bids/{s.rival_bid.pk}/", [401, 200, 404, 404, 404, 200]),
    "bid_summary": ("api", lambda s: f"/api/v1/jobs/{s.job.pk}/bid-summary/", [401, 200, 404, 404, 404, 200]),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", REVIEWING)
def test_reviewing(reviewing, as_role, name, role):
    kind, url, expected = REVIEWING[name]
    status = expected[ROLES.index(role)]
    if kind == "page":
        _run_web(reviewing, as_role, "reviewing", role, url(reviewing), status)
    else:
        _run_api(reviewing, as_role, "reviewing", role, "get", url(reviewing), None, status)


def test_owner_compares_every_bid(reviewing, as_role):
    web, api = as_role(reviewing, "owner")
    body = web.get(reverse("bids:compare", args=[reviewing.job.pk])).content.decode()
    assert "$771.23" in body and "$884.56" in body and RIVAL_NAME in body
    assert len(api.get(f"/api/v1/jobs/{reviewing.job.pk}/bids/").json()) == 2


def test_bid_changes_refused_after_close(reviewing, as_role):
    _, api = as_role(reviewing, "bidder")
    for method, url, data in [("patch", f"/api/v1/bids/{reviewing.bid.pk}/", {"amount_cents": 1_000}),
                              ("post", f"/api/v1/bids/{reviewing.bid.pk}/withdraw/", None)]:
        response = getattr(api, method)(url, data, format="json")
        assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_state"


# --- Phase 3: awarded to the rival; the bidder lost -------------------------------------------
@pytest.fixture
def awarded(reviewing):
    reviewing.contract = contract_services.bid_accept(actor=reviewing.users["owner"], bid=reviewing.rival_bid)
    reviewing.job.refresh_from_db()
    return reviewing


AWARDED = {
    "detail": ("page", lambda s: reverse("jobs:detail", args=[s.job.pk]), [404, 200, 404, 200, 404, 200]),
    "contract": ("page", lambda s: reverse("contracts:detail", args=[s.contract.pk]), [302, 200, 404, 404, 404, 200]),
    "my_bids": ("page", lambda s: reverse("bids:mine"), [302, 404, 404, 200, 200, 404]),
    "bid_summary": ("api", lambda s: f"/api/v1/jobs/{s.job.pk}/bid-summary/", [401, 200, 404, 200, 404, 200]),
    "contract_api": ("api", lambda s: f"/api/v1/contracts/{s.contract.pk}/", [401, 200, 404, 404, 404, 200]),
    "job_bids": ("api", lambda s: f"/api/v1/jobs/{s.job.pk}/bids/", [401, 200, 404, 200, 404, 200]),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", AWARDED)
def test_awarded(awarded, as_role, name, role):
    kind, url, expected = AWARDED[name]
    status = expected[ROLES.index(role)]
    if kind == "page":
        _run_web(awarded, as_role, "awarded", role, url(awarded), status)
    else:
        _run_api(awarded, as_role, "awarded", role, "get", url(awarded), None, status)


def test_loser_of_two_bids_sees_rank_and_band_never_an_amount(awarded, as_role):
    web, api = as_role(awarded, "bidder")
    body = web.get(reverse("jobs:detail", args=[awarded.job.pk])).content.decode()
    assert "Not selected" in body and "$771.23" in body  # their own bid
    assert "1 of 2" in body and "5 to 15% higher than yours" in body
    assert_absent(body, (*RIVAL_SECRETS, "827.90", "82790"), "detail")
    assert ADDRESS not in body
    assert api.get(f"/api/v1/jobs/{awarded.job.pk}/bid-summary/").json() == {
        "count": 2, "awarded": True, "rank": 1, "winning_bid_band": "5_to_15_higher",
    }


def test_winner_sees_address(awarded, as_role, client, api_as):
    winner = awarded.rival_bid.contractor
    client.force_login(winner)
    assert ADDRESS in client.get(reverse("jobs:detail", args=[awarded.job.pk])).content.decode()
    assert api_as(winner).get(f"/api/v1/jobs/{awarded.job.pk}/").json()["address"] == ADDRESS
