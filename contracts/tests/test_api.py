"""The milestone lifecycle endpoints of API.md (fund, submit, approve, request changes, a
contract's payments): shapes, permission tables, errors, query counts."""

import pytest

from contracts import services as contract_services
from contracts.tests.factories import contract_for
from payments.models import Payment
from payments.tests.helpers import onboard
from payments.tests.images import pdf_upload, png_upload

pytestmark = pytest.mark.django_db

ACTORS = ["anonymous", "owner", "other_homeowner", "party_contractor", "other_contractor", "staff"]


@pytest.fixture
def as_actor(api_client, api_as, homeowner, other_homeowner, contractor, other_contractor, staff_user):
    users = {"owner": homeowner, "other_homeowner": other_homeowner, "party_contractor": contractor,
             "other_contractor": other_contractor, "staff": staff_user}
    return lambda name: api_client if name == "anonymous" else api_as(users[name])


@pytest.fixture
def contract(simulated, homeowner, contractor):
    return contract_for(homeowner=homeowner, contractor=contractor)


@pytest.fixture
def submitted(contract, homeowner, contractor):
    milestone = contract.milestones.get(position=1)
    contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    contract_services.milestone_submit(actor=contractor, milestone_id=milestone.pk, notes="Done", files=[png_upload()])
    return milestone


@pytest.mark.parametrize("actor, expected", list(zip(ACTORS, [401, 200, 404, 403, 404, 403], strict=True)))
def test_fund_permissions(as_actor, contract, actor, expected):
    milestone = contract.milestones.get(position=1)
    response = as_actor(actor).post(f"/api/v1/milestones/{milestone.pk}/fund/")
    assert response.status_code == expected, response.content
    if expected == 200:
        body = response.json()["payment"]
        assert body["status"] == "succeeded" and body["total_cents"] == 31_500 and body["checkout_url"] is None
    else:
        assert "error" in response.json()


def test_fund_with_stripe_returns_the_checkout_url(fake_stripe, api_as, homeowner, contractor):
    contract = contract_for(homeowner=homeowner, contractor=contractor)
    milestone = contract.milestones.get(position=1)
    body = api_as(homeowner).post(f"/api/v1/milestones/{milestone.pk}/fund/").json()["payment"]
    assert body["status"] == "pending" and body["checkout_url"].startswith("https://checkout.stripe.com/")


def test_fund_when_stripe_is_down_is_a_502_not_a_500(fake_stripe, api_as, homeowner, contractor):
    contract = contract_for(homeowner=homeowner, contractor=contractor)
    fake_stripe.fail_next("POST", "/v1/checkout/sessions", "500")
    response = api_as(homeowner).post(f"/api/v1/milestones/{contract.milestones.first().pk}/fund/")
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "payment_provider_unavailable"


def test_fund_twice_is_409(api_as, contract, homeowner):
    milestone = contract.milestones.get(position=1)
    client = api_as(homeowner)
    client.post(f"/api/v1/milestones/{milestone.pk}/fund/")
    response = client.post(f"/api/v1/milestones/{milestone.pk}/fund/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_state"


@pytest.mark.parametrize("actor, expected", list(zip(ACTORS, [401, 403, 404, 201, 404, 403], strict=True)))
def test_submit_permissions(as_actor, contract, homeowner, actor, expected):
    milestone = contract.milestones.get(position=1)
    contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    response = as_actor(actor).post(f"/api/v1/milestones/{milestone.pk}/submit/",
                                    {"notes": "Done", "evidence": [png_upload(), pdf_upload()]}, format="multipart")
    assert response.status_code == expected, response.content
    if expected == 201:
        body = response.json()
        assert body["milestone"]["status"] == "submitted" and len(body["submission"]["files"]) == 2


def test_submit_validation(api_as, contract, homeowner, contractor):
    milestone = contract.milestones.get(position=1)
    client = api_as(contractor)
    url = f"/api/v1/milestones/{milestone.pk}/submit/"
    assert client.post(url, {"notes": "x", "evidence": [png_upload()]}, format="multipart").status_code == 409
    contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    response = client.post(url, {"notes": "x"}, format="multipart")
    assert response.status_code == 400 and "evidence" in response.json()["error"]["fields"]
    bad = client.post(url, {"notes": "x", "evidence": [pdf_upload(data=b"not a pdf")]}, format="multipart")
    assert bad.status_code == 400 and "evidence" in bad.json()["error"]["fields"]
    assert client.post(url, {"notes": "x"}, format="json").status_code == 415


@pytest.mark.parametrize("actor, expected", list(zip(ACTORS, [401, 200, 404, 403, 404, 403], strict=True)))
def test_approve_permissions(as_actor, submitted, actor, expected):
    response = as_actor(actor).post(f"/api/v1/milestones/{submitted.pk}/approve/")
    assert response.status_code == expected, response.content
    if expected == 200:
        body = response.json()
        assert body["milestone"]["status"] == "released"
        assert body["release"]["status"] == "waiting"  # the contractor has no payout account yet


def test_approve_twice_and_unsubmitted_are_409(api_as, submitted, contract, homeowner, contractor):
    onboard(contractor)
    client = api_as(homeowner)
    assert client.post(f"/api/v1/milestones/{submitted.pk}/approve/").status_code == 200
    assert client.post(f"/api/v1/milestones/{submitted.pk}/approve/").status_code == 409
    other = contract.milestones.get(position=2)
    assert client.post(f"/api/v1/milestones/{other.pk}/approve/").json()["error"]["code"] == "invalid_state"


@pytest.mark.parametrize("actor, expected", list(zip(ACTORS, [401, 200, 404, 403, 404, 403], strict=True)))
def test_request_changes_permissions(as_actor, submitted, actor, expected):
    response = as_actor(actor).post(f"/api/v1/milestones/{submitted.pk}/request-changes/", {"note": "Fix the trim"},
                                    format="json")
    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["status"] == "funded" and response.json()["auto_approve_at"] is None


def test_request_changes_needs_a_note(api_as, submitted, homeowner):
    response = api_as(homeowner).post(f"/api/v1/milestones/{submitted.pk}/request-changes/", {}, format="json")
    assert response.status_code == 400 and "note" in response.json()["error"]["fields"]


@pytest.mark.parametrize("actor, expected", list(zip(ACTORS, [401, 200, 404, 200, 404, 200], strict=True)))
def test_contract_payments_permissions(as_actor, submitted, contract, actor, expected):
    response = as_actor(actor).get(f"/api/v1/contracts/{contract.pk}/payments/")
    assert response.status_code == expected
    if expected == 200:
        body = response.json()
        assert [p["total_cents"] for p in body["payments"]] == [31_500]
        assert body["releases"] == [] and body["refunds"] == []


def test_contract_payments_query_count_is_flat(api_as, homeowner, contractor, simulated,
                                               django_assert_max_num_queries):
    contract = contract_for(homeowner=homeowner, contractor=contractor,
                            milestones=[(f"Step {i}", 10_000) for i in range(5)])
    client = api_as(homeowner)
    for milestone in contract.milestones.all():
        contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    with django_assert_max_num_queries(10):
        response = client.get(f"/api/v1/contracts/{contract.pk}/payments/")
    assert len(response.json()["payments"]) == 5


def test_payments_listed_for_every_attempt(fake_stripe, api_as, homeowner, contractor, deliver):
    contract = contract_for(homeowner=homeowner, contractor=contractor)
    milestone = contract.milestones.get(position=1)
    payment = contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    session = dict(fake_stripe.public(payment.checkout_session_id), status="expired")
    deliver(fake_stripe.event("checkout.session.expired", session))
    contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    body = api_as(homeowner).get(f"/api/v1/contracts/{contract.pk}/payments/").json()
    assert [p["status"] for p in body["payments"]] == ["expired", "pending"]
    assert Payment.objects.count() == 2
