"""Permission table: change-order pages and endpoints x {anonymous, homeowner, contractor,
other homeowner, other contractor, losing bidder, staff}. Outsiders get 404; staff read but
never propose or answer; nothing about other bids appears."""

import pytest
from django.urls import reverse

from accounts.tests.factories import ContractorFactory
from bids.models import Bid
from bids.tests.factories import BidFactory
from contracts.models import ChangeOrder
from contracts.services.change_orders import Change, change_order_propose
from contracts.tests.factories import contract_for

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "homeowner", "contractor", "other_homeowner", "other_contractor", "losing_bidder", "staff"]
OUT = dict(other_homeowner=404, other_contractor=404, losing_bidder=404)


@pytest.fixture
def world(homeowner, contractor, other_homeowner, other_contractor, staff_user):
    contract = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("Frame", 30_000), ("Roof", 50_000)])
    loser = ContractorFactory()
    BidFactory(job=contract.job, contractor=loser, amount_cents=97_300, status=Bid.Status.NOT_SELECTED,
               milestones=[("All", 97_300)])
    order = change_order_propose(actor=contractor, contract_id=contract.pk, reason="Add gutters",
                                 changes=[Change("add", title="Gutters", amount_cents=12_000)])
    people = {"anonymous": None, "homeowner": homeowner, "contractor": contractor, "other_homeowner": other_homeowner,
              "other_contractor": other_contractor, "losing_bidder": loser, "staff": staff_user}
    return {"contract": contract, "order": order, "people": people}


def _no_leak(body: bytes):
    assert b"973.00" not in body and b"97300" not in body


API = {
    "list": ("get", lambda w: f"/api/v1/contracts/{w['contract'].pk}/change-orders/", None,
             dict(anonymous=401, homeowner=200, contractor=200, staff=200, **OUT)),
    "versions": ("get", lambda w: f"/api/v1/contracts/{w['contract'].pk}/versions/", None,
                 dict(anonymous=401, homeowner=200, contractor=200, staff=200, **OUT)),
    "detail": ("get", lambda w: f"/api/v1/change-orders/{w['order'].pk}/", None,
               dict(anonymous=401, homeowner=200, contractor=200, staff=200, **OUT)),
    # A second proposal while one is pending: 409 for the parties (the rule), 403 for staff.
    "propose": ("post", lambda w: f"/api/v1/contracts/{w['contract'].pk}/change-orders/",
                {"reason": "More", "changes": [{"kind": "add", "title": "Paint", "amount_cents": 5000}]},
                dict(anonymous=401, homeowner=409, contractor=409, staff=403, **OUT)),
    "accept": ("post", lambda w: f"/api/v1/change-orders/{w['order'].pk}/accept/", None,
               dict(anonymous=401, homeowner=200, contractor=403, staff=403, **OUT)),
    "decline": ("post", lambda w: f"/api/v1/change-orders/{w['order'].pk}/decline/", {"note": "no"},
                dict(anonymous=401, homeowner=200, contractor=403, staff=403, **OUT)),
    "withdraw": ("post", lambda w: f"/api/v1/change-orders/{w['order'].pk}/withdraw/", None,
                 dict(anonymous=401, homeowner=403, contractor=200, staff=403, **OUT)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(API))
def test_api_table(name, role, world, api_client, api_as):
    method, url, body, expected = API[name]
    user = world["people"][role]
    client = api_as(user) if user is not None else api_client
    response = getattr(client, method)(url(world), body, format="json")
    assert response.status_code == expected[role], response.content
    _no_leak(response.content)


def _answer(decision):
    return lambda w: reverse("contracts:change_order_answer", args=[w["contract"].pk, w["order"].pk, decision])


WEB = {
    "new": ("get", lambda w: reverse("contracts:change_order_new", args=[w["contract"].pk]),
            dict(anonymous=302, homeowner=200, contractor=200, staff=404, **OUT)),
    # A second proposal while one is pending: the parties see the rule on the form (200).
    "propose": ("post", lambda w: reverse("contracts:change_order_new", args=[w["contract"].pk]),
                dict(anonymous=302, homeowner=200, contractor=200, staff=404, **OUT)),
    "detail": ("get", lambda w: reverse("contracts:change_order", args=[w["contract"].pk, w["order"].pk]),
               dict(anonymous=302, homeowner=200, contractor=200, staff=200, **OUT)),
    "accept": ("post", _answer("accept"), dict(anonymous=302, homeowner=302, contractor=302, staff=302, **OUT)),
    "decline": ("post", _answer("decline"), dict(anonymous=302, homeowner=302, contractor=302, staff=302, **OUT)),
    "withdraw": ("post", _answer("withdraw"), dict(anonymous=302, homeowner=302, contractor=302, staff=302, **OUT)),
}
# Who may give each answer (the other party answers, the proposer withdraws), and what it leaves.
ANSWERS = {"accept": ("homeowner", "accepted"), "decline": ("homeowner", "declined"),
           "withdraw": ("contractor", "withdrawn")}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(WEB))
def test_web_table(name, role, world, client):
    method, url, expected = WEB[name]
    user = world["people"][role]
    if user is not None:
        client.force_login(user)
    w = world
    data = {"start": w["contract"].current_start.isoformat(), "days": w["contract"].current_estimated_days,
            "reason": "Paint too", "new_title_1": "Paint", "new_amount_1": "50",
            **{f"{field}_{m.pk}": value for m in w["contract"].milestones.all()
               for field, value in (("title", m.title), ("amount", m.amount_cents // 100))}} if name == "propose" else None
    response = getattr(client, method)(url(world), data)
    assert response.status_code == expected[role]
    _no_leak(response.content)
    if name == "propose" and expected[role] == 200:
        assert "A change is already waiting for an answer" in response.content.decode()
    if name in ANSWERS:
        allowed, outcome = ANSWERS[name]
        world["order"].refresh_from_db()
        assert world["order"].status == (outcome if role == allowed else "pending")
    assert ChangeOrder.objects.filter(contract=world["contract"]).count() == 1


def test_contract_page_shows_the_pending_change_and_history(world, client):
    client.force_login(world["people"]["homeowner"])
    page = client.get(reverse("contracts:detail", args=[world["contract"].pk])).content.decode()
    assert "proposed a change: it waits for your answer" in page and "Review change 1" in page
    detail = client.get(reverse("contracts:change_order", args=[world["contract"].pk, world["order"].pk]))
    body = detail.content.decode()
    assert "Gutters" in body and "$920.00" in body and "Accept the change" in body  # new total 800 + 120


def test_admin_is_read_only(world, client, staff_user):
    client.force_login(staff_user)
    page = client.get(reverse("admin:contracts_changeorder_change", args=[world["order"].pk]))
    assert page.status_code == 200 and b"Gutters" in page.content
    assert client.get(reverse("admin:contracts_changeorder_add")).status_code == 403


def test_propose_through_the_form(homeowner, contractor, client):
    from contracts.models import ChangeOrder

    contract = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("Frame", 30_000), ("Roof", 50_000)])
    frame, roof = contract.milestones.order_by("position")
    client.force_login(homeowner)
    url = reverse("contracts:change_order_new", args=[contract.pk])
    data = {"start": contract.current_start.isoformat(), "days": contract.current_estimated_days,
            "reason": "Cheaper shingles", f"title_{frame.pk}": "Frame", f"amount_{frame.pk}": "300.00",
            f"title_{roof.pk}": "Roof", f"amount_{roof.pk}": "450", "new_title_1": "Gutters", "new_amount_1": "120",
            "form_token": "propose-token-000000001"}
    first = client.post(url, data)
    again = client.post(url, data)  # a double submit: one proposal
    order = ChangeOrder.objects.get()
    assert first["Location"] == again["Location"]
    assert sorted((i.kind, i.amount_cents) for i in order.items.all()) == [("add", 12_000), ("update", 45_000)]
    bad = client.post(url, {**data, "form_token": "propose-token-000000002", "new_amount_1": ""})
    assert bad.status_code == 200 and "needs both a title and an amount" in bad.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_printable_contract(role, world, client):
    user = world["people"][role]
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("contracts:print", args=[world["contract"].pk]))
    expected = {"anonymous": 302, "homeowner": 200, "contractor": 200, "staff": 200}.get(role, 404)
    assert response.status_code == expected
    _no_leak(response.content)
    if expected == 200:
        body = response.content.decode()
        assert "Print or save as PDF" in body and "Frame" in body and "$840.00" in body  # 800 + 40 fees
