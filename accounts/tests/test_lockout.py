"""Ten wrong passwords lock the account (axes) in every login path, and it is audited."""

import pytest

from audit.models import AuditLog


@pytest.mark.django_db
def test_ten_wrong_passwords_lock_the_account_on_the_web(client, homeowner, password):
    for _ in range(10):
        client.post("/accounts/login/", {"login": homeowner.email, "password": "wrong-password-x"})
    response = client.post("/accounts/login/", {"login": homeowner.email, "password": password})
    assert response.status_code == 429
    assert b"locked for 30 minutes" in response.content
    assert not client.session.get("_auth_user_id")
    assert AuditLog.objects.filter(action="auth.locked_out", target_id=str(homeowner.pk)).exists()
    assert AuditLog.objects.filter(action="auth.login_failed").count() >= 10


@pytest.mark.django_db
def test_lockout_is_per_account_not_per_site(client, homeowner, other_homeowner, password):
    for _ in range(10):
        client.post("/accounts/login/", {"login": homeowner.email, "password": "wrong-password-x"})
    response = client.post("/accounts/login/", {"login": other_homeowner.email, "password": password})
    assert response.status_code == 302


@pytest.mark.django_db
def test_api_token_endpoint_counts_towards_the_same_lockout(api_client, homeowner, password, monkeypatch):
    from core.throttling import AuthThrottle

    # Lift the per-IP auth throttle so the account lockout is what answers.
    monkeypatch.setattr(AuthThrottle, "THROTTLE_RATES", {"auth": "1000/min"})
    for _ in range(10):
        api_client.post("/api/v1/auth/token/", {"email": homeowner.email, "password": "wrong"}, format="json")
    response = api_client.post("/api/v1/auth/token/", {"email": homeowner.email, "password": password}, format="json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert response["Retry-After"] == "1800"


@pytest.mark.django_db
def test_admin_login_is_covered_too(client, staff_user, password):
    # The admin has no password form of its own any more: it sends staff to the site's
    # sign-in (lockout, then the two-factor code), so the same lockout covers it.
    response = client.post("/admin/login/?next=/admin/", {"username": staff_user.email, "password": password})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    for _ in range(10):
        client.post("/accounts/login/", {"login": staff_user.email, "password": "wrong"})
    response = client.post("/accounts/login/?next=/admin/", {"login": staff_user.email, "password": password})
    assert response.status_code == 429
