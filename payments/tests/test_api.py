"""The payout endpoints of API.md (the milestone actions are tested in contracts/tests/test_api.py)."""

import pytest

pytestmark = pytest.mark.django_db


def test_payout_endpoints(api_as, contractor, homeowner, simulated):
    client = api_as(contractor)
    assert client.get("/api/v1/payouts/status/").json() == {
        "payouts_enabled": False, "requirements_due": ["onboarding"], "onboarding_started": False,
        "released_cents": 0, "pending_cents": 0}
    url = client.post("/api/v1/payouts/onboarding-link/").json()["url"]
    assert url.endswith("/payouts/?onboarding=returned")
    assert client.get("/api/v1/payouts/status/").json()["payouts_enabled"] is True
    assert api_as(homeowner).get("/api/v1/payouts/status/").status_code == 403
    assert api_as(homeowner).post("/api/v1/payouts/onboarding-link/").status_code == 403


def test_payout_status_with_stripe_lists_requirements(fake_stripe, api_as, contractor):
    client = api_as(contractor)
    assert client.post("/api/v1/payouts/onboarding-link/").json()["url"].startswith("https://connect.stripe.com/")
    status = client.get("/api/v1/payouts/status/").json()
    assert status["payouts_enabled"] is False and "external_account" in status["requirements_due"]


