"""A new password ends API access too: every bearer token is revoked with a password change
or reset (whoever stole the account keeps nothing after the owner recovers it), and the
revocation is recorded so the security email can list the tokens."""

import re

import pytest
from django.core import mail

from accounts import selectors, services
from accounts.models import ApiToken
from audit.models import AuditLog

pytestmark = pytest.mark.django_db
NEW = "brand-new-passphrase-77"


def _reset_link() -> str:
    match = re.search(r"https?://[^\s]+/accounts/password/reset/key/[^\s]*", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0).replace("http://testserver", "")


def test_password_change_revokes_every_token(client, homeowner, password, api_as):
    api = api_as(homeowner)
    services.api_token_create(actor=homeowner, name="Accounting sync")
    assert api.get("/api/v1/me/").status_code == 200
    client.force_login(homeowner)
    response = client.post("/accounts/password/change/", {"oldpassword": password, "password1": NEW, "password2": NEW})
    assert response.status_code == 302
    assert api.get("/api/v1/me/").status_code == 401
    assert not ApiToken.objects.filter(user=homeowner, revoked_at__isnull=True).exists()
    assert set(ApiToken.objects.filter(user=homeowner).values_list("revoked_reason", flat=True)) == {"password"}
    assert selectors.tokens_revoked_with_password(homeowner) == ["test", "Accounting sync"]
    entry = AuditLog.objects.get(action="api_token.revoked_with_password")
    assert entry.actor == homeowner and entry.data["tokens"] == ["test", "Accounting sync"]
    assert client.get("/dashboard/").status_code == 200  # the web session that changed it stays signed in


def test_password_reset_revokes_every_token(client, homeowner, api_as):
    api = api_as(homeowner)
    client.post("/accounts/password/reset/", {"email": homeowner.email})
    form = client.get(_reset_link(), follow=True)
    action = form.redirect_chain[-1][0]
    assert client.post(action, {"password1": NEW, "password2": NEW}).status_code == 302
    homeowner.refresh_from_db()
    assert homeowner.check_password(NEW)
    assert api.get("/api/v1/me/").status_code == 401
    assert selectors.tokens_revoked_with_password(homeowner) == ["test"]


def test_tokens_made_after_the_change_keep_working_and_are_not_listed(homeowner, api_as):
    services.api_token_create(actor=homeowner, name="old")
    services.user_password_set(user=homeowner, raw_password=NEW)
    api = api_as(homeowner)
    assert api.get("/api/v1/me/").status_code == 200
    assert selectors.tokens_revoked_with_password(homeowner) == ["old"]


def test_no_tokens_no_audit_noise(homeowner):
    assert services.user_password_set(user=homeowner, raw_password=NEW) == []
    assert not AuditLog.objects.filter(action="api_token.revoked_with_password").exists()


def test_owner_revocation_is_recorded_as_such(homeowner, staff_user):
    token, _ = services.api_token_create(actor=homeowner, name="laptop")
    other, _ = services.api_token_create(actor=homeowner, name="server")
    services.api_token_revoke(actor=homeowner, token=token)
    services.api_token_revoke(actor=staff_user, token=other)
    assert dict(ApiToken.objects.values_list("name", "revoked_reason")) == {"laptop": "owner", "server": "staff"}
