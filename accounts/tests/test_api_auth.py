"""Bearer tokens and the API error shape (API.md: Auth, Errors)."""

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tests.factories import HomeownerFactory
from audit.models import AuditLog


@pytest.mark.django_db
def test_token_exchange_and_me(api_client, homeowner, password):
    response = api_client.post(
        "/api/v1/auth/token/", {"email": homeowner.email.upper(), "password": password, "name": "Zapier"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"token", "id", "name", "created_at"} and body["name"] == "Zapier"
    stored = ApiToken.objects.get(pk=body["id"])
    assert body["token"] not in (stored.key_hash, stored.prefix) and len(stored.key_hash) == 64

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    me = api_client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json() == {
        "id": str(homeowner.pk), "email": homeowner.email, "role": "homeowner", "full_name": homeowner.full_name,
        "phone": homeowner.phone, "phone_verified": True, "email_verified": True,
    }
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    assert AuditLog.objects.filter(action="api_token.created", actor=homeowner).exists()


@pytest.mark.django_db
def test_wrong_password_and_unknown_email_get_the_same_answer(api_client, homeowner):
    wrong = api_client.post("/api/v1/auth/token/", {"email": homeowner.email, "password": "nope"}, format="json")
    unknown = api_client.post("/api/v1/auth/token/", {"email": "ghost@example.test", "password": "nope"}, format="json")
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json() == {
        "error": {"code": "validation_error", "message": "Email or password is incorrect."}
    }


@pytest.mark.django_db
def test_unverified_email_gets_403(api_client, password):
    user = HomeownerFactory(verified=False)
    response = api_client.post("/api/v1/auth/token/", {"email": user.email, "password": password}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "email_unverified"


@pytest.mark.django_db
def test_missing_fields_are_named(api_client):
    response = api_client.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"email", "password"}


@pytest.mark.django_db
def test_list_and_revoke_tokens(api_as, homeowner, other_homeowner):
    client = api_as(homeowner)
    tokens = client.get("/api/v1/tokens/").json()
    assert [t["name"] for t in tokens["results"]] == ["test"]
    assert "token" not in tokens["results"][0] and "key_hash" not in tokens["results"][0]
    foreign = ApiToken.objects.create(user=other_homeowner, name="theirs", prefix="x", key_hash="f" * 64)
    assert client.delete(f"/api/v1/tokens/{foreign.pk}/").status_code == 404
    own_id = tokens["results"][0]["id"]
    assert client.delete(f"/api/v1/tokens/{own_id}/").status_code == 204
    revoked = client.get("/api/v1/me/")
    assert revoked.status_code == 401
    assert revoked.json()["error"] == {"code": "not_authenticated", "message": "Invalid or revoked token."}
    assert AuditLog.objects.filter(action="api_token.revoked").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Bearer not-a-real-token", "Bearer a b", "Bearer"])
def test_bad_tokens_get_401_in_the_error_shape(api_client, header):
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.django_db
def test_anonymous_me_is_401(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.django_db
def test_error_shape_for_404_405_415(api_client, api_as, homeowner):
    missing = api_client.get("/api/v1/does-not-exist/")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "not_found", "message": missing.json()["error"]["message"]}}
    method = api_client.put("/api/v1/categories/", {}, format="json")
    assert method.status_code == 405
    assert method.json()["error"]["code"] == "method_not_allowed"
    media = api_client.post("/api/v1/auth/token/", "email=x", content_type="text/plain")
    assert media.status_code == 415
    assert media.json()["error"]["code"] == "unsupported_media_type"
    bad_uuid = api_as(homeowner).delete("/api/v1/tokens/not-a-uuid/")
    assert bad_uuid.status_code == 404 and bad_uuid.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_rate_limit_answers_429_with_retry_after(api_client, monkeypatch):
    from core.throttling import IPReadThrottle

    monkeypatch.setattr(IPReadThrottle, "THROTTLE_RATES", {"ip_read": "3/min"})
    statuses = [api_client.get("/api/v1/categories/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api_client.get("/api/v1/categories/")
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_writes_are_limited_per_token_separately_from_reads(api_as, homeowner, monkeypatch):
    from core.throttling import TokenWriteThrottle

    monkeypatch.setattr(TokenWriteThrottle, "THROTTLE_RATES", {"token_write": "2/min"})
    client = api_as(homeowner)
    token_id = client.get("/api/v1/tokens/").json()["results"][0]["id"]
    other = ApiToken.objects.create(user=homeowner, name="spare", prefix="y", key_hash="e" * 64)
    assert client.delete(f"/api/v1/tokens/{other.pk}/").status_code == 204
    assert client.delete("/api/v1/tokens/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.delete(f"/api/v1/tokens/{token_id}/").status_code == 429
    assert client.get("/api/v1/me/").status_code == 200  # reads still allowed


@pytest.mark.django_db
def test_last_used_is_written_at_most_once_a_minute(api_as, homeowner, django_assert_num_queries):
    client = api_as(homeowner)
    client.get("/api/v1/me/")
    token = ApiToken.objects.get(user=homeowner)
    first = token.last_used_at
    client.get("/api/v1/me/")
    token.refresh_from_db()
    assert token.last_used_at == first and first <= timezone.now()


@pytest.mark.django_db
def test_session_auth_needs_csrf(homeowner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(homeowner)
    assert client.get("/api/v1/me/").status_code == 200
    token = ApiToken.objects.create(user=homeowner, name="t", prefix="z", key_hash="d" * 64)
    response = client.delete(f"/api/v1/tokens/{token.pk}/")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
