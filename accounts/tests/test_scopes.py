"""Scoped tokens: every /api/v1/ route needs a listed scope; a token without it gets 403
insufficient_scope naming it (a table over every endpoint and method)."""

import importlib
import uuid
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

import fairtrade.api
from accounts import scopes
from accounts.models import ApiToken
from accounts.services import api_token_create

pytestmark = pytest.mark.django_db
DUMMY = uuid.UUID("00000000-0000-4000-8000-000000000000")


def _routes(patterns=fairtrade.api.urlpatterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name != "api-not-found":
            cls = pattern.callback.view_class
            methods = [m.upper() for m in ("get", "post", "patch", "put", "delete") if hasattr(cls, m)]
            yield pattern.name, list(pattern.pattern.converters), methods


ROUTES = list(_routes())
SCOPED = [(name, kwargs, method, scopes.ROUTE_SCOPES[name][method])
          for name, kwargs, methods in ROUTES for method in methods
          if scopes.ROUTE_SCOPES.get(name, {}).get(method)]


def test_every_route_and_method_is_in_the_scope_table():
    for name, _, methods in ROUTES:
        assert name in scopes.ROUTE_SCOPES, f"{name} missing from accounts.scopes.ROUTE_SCOPES"
        assert set(methods) == set(scopes.ROUTE_SCOPES[name]), name
    listed = {name for name, _, _ in ROUTES} | {"api-not-found"}
    assert set(scopes.ROUTE_SCOPES) == listed


def _client(user, granted):
    _, raw = api_token_create(actor=user, name="scoped", scopes=granted)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _call(client, name, kwargs, method):
    url = reverse(f"{name}", kwargs={k: DUMMY for k in kwargs}) if kwargs else reverse(name)
    # No body: the scope is checked before anything is parsed (a body of the wrong type is a 415).
    return client.generic(method, url)


@pytest.mark.parametrize(("name", "kwargs", "method", "scope"), SCOPED, ids=[f"{m} {n}" for n, _, m, _ in SCOPED])
def test_a_token_without_the_scope_is_refused(name, kwargs, method, scope, staff_user):
    others = [s for s in scopes.ALL_SCOPES if s != scope]
    response = _call(_client(staff_user, others), name, kwargs, method)
    assert response.status_code == 403, response.content
    assert response.json()["error"] == {"code": "insufficient_scope", "message": f"This token lacks the '{scope}' scope."}


@pytest.mark.parametrize(("name", "kwargs", "method", "scope"), SCOPED, ids=[f"{m} {n}" for n, _, m, _ in SCOPED])
def test_a_token_with_only_that_scope_gets_past_the_check(name, kwargs, method, scope, staff_user):
    response = _call(_client(staff_user, [scope]), name, kwargs, method)
    assert response.status_code != 403 or response.json()["error"]["code"] != "insufficient_scope"


def test_new_tokens_cannot_move_money_unless_asked(homeowner, contractor):
    _, raw = api_token_create(actor=homeowner, name="default")
    token = ApiToken.objects.get(name="default")
    assert scopes.PAYMENTS_WRITE not in token.scopes and scopes.JOBS_WRITE in token.scopes
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    refused = client.post(f"/api/v1/milestones/{DUMMY}/fund/")
    assert refused.status_code == 403 and "payments:write" in refused.json()["error"]["message"]
    from core.exceptions import ValidationFailed

    with pytest.raises(ValidationFailed):  # a homeowner's token cannot get a contractor-only scope
        api_token_create(actor=homeowner, name="x", scopes=[scopes.BIDS_WRITE])


def test_api_token_creation_takes_scopes_and_expiry(homeowner, password):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {
        "email": homeowner.email, "password": password, "scopes": ["jobs:read"],
        "expires_at": (timezone.now() + timedelta(days=1)).isoformat()}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["scopes"] == ["jobs:read"] and response.json()["expires_at"]


def test_an_expired_token_is_401(homeowner):
    _, raw = api_token_create(actor=homeowner, name="short", expires_at=timezone.now() + timedelta(minutes=5))
    ApiToken.objects.filter(name="short").update(expires_at=timezone.now() - timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_browser_sessions_are_not_scoped(client, homeowner):
    client.force_login(homeowner)
    assert client.get("/api/v1/me/").status_code == 200


def test_data_migration_gives_old_tokens_their_roles_scopes(homeowner, contractor, staff_user):
    migration = importlib.import_module("accounts.migrations.0005_apitoken_scopes_backfill")
    for user in (homeowner, contractor, staff_user):
        api_token_create(actor=user, name="old", scopes=[scopes.ACCOUNT_READ])
    ApiToken.objects.update(scopes=[])
    migration.backfill(django_apps, None)
    by_user = {t.user_id: t.scopes for t in ApiToken.objects.all()}
    assert by_user[homeowner.pk] == scopes.role_scopes("homeowner")
    assert by_user[contractor.pk] == scopes.role_scopes("contractor")
    assert by_user[staff_user.pk] == list(scopes.ALL_SCOPES)
    assert scopes.PAYMENTS_WRITE in by_user[homeowner.pk]  # they could move money before: they still can
