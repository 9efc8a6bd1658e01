"""Security alerts (issue 12, point 4): an email that is always sent plus an in-app notice
for every change to who can get into an account; a completed password reset lifts the lockout.
ASVS 2.2.3 (notify after credential changes), 2.5.x (recovery), 8.3.x (account closure)."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.tests.factories import PASSWORD, HomeownerFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "another-long-passphrase-42"


def _mails_to(address, subject):
    return [m for m in mail.outbox if address in m.to and subject in m.subject]


def _alerts(user, change_words):
    return Notification.objects.filter(recipient=user, event="account.security_alert", title__icontains=change_words)


def test_password_change_emails_and_notifies(client, homeowner, django_capture_on_commit_callbacks):
    client.force_login(homeowner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/change/", {
            "oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    [email] = _mails_to(homeowner.email, "Your password was changed")
    assert "Every other signed-in browser was signed out" in email.body
    assert "/accounts/password/reset/" in email.body  # what to do if it was not you
    assert _alerts(homeowner, "password was changed").exists()


def test_the_alert_lists_the_api_tokens_revoked_with_the_password(client, homeowner, django_capture_on_commit_callbacks):
    """End to end: real tokens, a real password change through allauth, the email names them."""
    from accounts import services

    services.api_token_create(actor=homeowner, name="Zapier")
    services.api_token_create(actor=homeowner, name="Sheets")
    client.force_login(homeowner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/change/", {
            "oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    [email] = _mails_to(homeowner.email, "Your password was changed")
    assert "API tokens revoked: 2 (Zapier, Sheets)" in email.body


def test_a_completed_password_reset_lifts_the_lockout(homeowner, django_capture_on_commit_callbacks):
    client = Client()
    for _ in range(10):
        client.post("/accounts/login/", {"login": homeowner.email, "password": "wrong-password-x"})
    assert client.post("/accounts/login/", {"login": homeowner.email, "password": PASSWORD}).status_code == 429
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": homeowner.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link)["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert _mails_to(homeowner.email, "Your password was reset")
    signed_in = Client().post("/accounts/login/", {"login": homeowner.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302  # not 429: the reset lifted the lock


def test_lockout_alert_once_per_lock(client, homeowner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(13):
            client.post("/accounts/login/", {"login": homeowner.email, "password": "wrong-password-x"})
    [email] = _mails_to(homeowner.email, "Your account was locked")
    assert "locked it for 30 minutes" in email.body and "resetting it lifts the lock" in email.body
    assert _alerts(homeowner, "locked").count() == 1


def test_email_change_tells_the_old_and_the_new_address(client, homeowner, django_capture_on_commit_callbacks):
    old = homeowner.email
    client.force_login(homeowner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/email/", {"action_add": "", "email": "moved@example.test"})
    key_url = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(key_url)
    homeowner.refresh_from_db()
    assert homeowner.email == "moved@example.test"
    to_new = _mails_to("moved@example.test", "Your sign-in email was changed")
    to_old = _mails_to(old, "Your sign-in email was changed")
    assert to_new and to_old
    assert f"from {old} to moved@example.test" in to_old[0].body


def test_new_api_token_alert_from_web_and_api(client, api_client, homeowner, django_capture_on_commit_callbacks):
    client.force_login(homeowner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/settings/api-tokens/", {"name": "Zapier", "scopes": ["jobs:read"]})
        api_client.post("/api/v1/auth/token/", {"email": homeowner.email, "password": PASSWORD, "name": "Sheets"},
                        format="json")
    bodies = [m.body for m in _mails_to(homeowner.email, "A new API token was created")]
    assert len(bodies) == 2 and "“Zapier”" in bodies[0] and "“Sheets”" in bodies[1]


def test_sign_in_from_a_new_browser(django_capture_on_commit_callbacks):
    person = HomeownerFactory()
    agent = {"HTTP_USER_AGENT": "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"}
    laptop = Client(**agent)
    with django_capture_on_commit_callbacks(execute=True):
        laptop.post("/accounts/login/", {"login": person.email, "password": PASSWORD})  # first ever: nothing to compare
        laptop.post("/accounts/logout/")
        laptop.post("/accounts/login/", {"login": person.email, "password": PASSWORD})  # same browser: known
    assert not _mails_to(person.email, "New sign-in")
    with django_capture_on_commit_callbacks(execute=True):
        Client(REMOTE_ADDR="198.51.100.23", **agent).post("/accounts/login/", {"login": person.email, "password": PASSWORD})
    [email] = _mails_to(person.email, "New sign-in to your account")
    assert "Chrome on Windows" in email.body and "198.51.100.23" in email.body


def test_account_closing_says_goodbye_to_the_old_address(client, django_capture_on_commit_callbacks):
    person = HomeownerFactory()
    address = person.email
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/settings/privacy/", {"password": PASSWORD, "confirm": "DELETE"})
    assert response.status_code == 302
    [email] = _mails_to(address, "Your account is closed")
    assert "personal data erased" in email.body and "kept under a pseudonym" in email.body
