"""Sign-up, mandatory email verification, login/logout, password reset: the web flow."""

import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from accounts.models import User
from audit.models import AuditLog

STRONG = "a-Long-and-unusual-passphrase-42"


def signup(client, **overrides):
    data = {
        "full_name": "Nina Novak",
        "email": "nina@example.test",
        "role": "homeowner",
        "password1": STRONG,
        "password2": STRONG,
    } | overrides
    return client.post("/accounts/signup/", data)


def link_from_last_email(pattern: str) -> str:
    body = mail.outbox[-1].body
    match = re.search(rf"https?://[^\s]+{pattern}[^\s]*", body)
    assert match, body
    return match.group(0).replace("http://testserver", "")


@pytest.mark.django_db
def test_signup_sends_verification_and_blocks_login_until_verified(client):
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="nina@example.test")
    assert (user.full_name, user.role) == ("Nina Novak", "homeowner")
    assert user.password.startswith("md5$") or user.check_password(STRONG)
    assert len(mail.outbox) == 1 and "Confirm" in mail.outbox[0].subject or "confirm" in mail.outbox[0].body.lower()
    assert AuditLog.objects.filter(action="account.signup", actor=user).exists()

    client.logout()
    response = client.post("/accounts/login/", {"login": "nina@example.test", "password": STRONG}, follow=True)
    assert "accounts/confirm-email" in response.redirect_chain[-1][0]
    assert not client.session.get("_auth_user_id")

    confirm_url = link_from_last_email("/accounts/confirm-email/")
    page = client.get(confirm_url)
    assert page.status_code == 200
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert AuditLog.objects.filter(action="account.email_verified", actor=user).exists()


@pytest.mark.django_db
def test_verified_user_goes_to_onboarding_then_dashboard(client):
    signup(client, email="olga@example.test", role="contractor", full_name="Olga Ortiz")
    client.post(link_from_last_email("/accounts/confirm-email/"))
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"] == "/onboarding/"
    page = client.get("/onboarding/")
    assert b"Tell homeowners about your business" in page.content


@pytest.mark.django_db
def test_duplicate_email_in_any_case_creates_nothing_and_tells_the_owner(client, homeowner):
    """allauth's enumeration protection: the page cannot reveal that the address is taken,
    so the stranger sees "check your email" and the real owner is told by email."""
    response = signup(client, email=homeowner.email.upper())
    assert response.status_code == 302
    assert User.objects.filter(email__iexact=homeowner.email).count() == 1
    assert mail.outbox[-1].to == [homeowner.email]
    assert "already" in mail.outbox[-1].body.lower()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password1": "password1", "password2": "password1"}, b"too common"),
        ({"password1": "short", "password2": "short"}, b"too short"),
        ({"password2": "different-passphrase-43"}, b"same password"),
        ({"email": "not-an-email"}, b"valid email"),
        ({"full_name": ""}, b"This field is required"),
        ({"role": "admin"}, b"Select a valid choice"),
    ],
)
def test_bad_signup_input_shows_a_clear_message(client, overrides, message):
    response = signup(client, **overrides)
    assert response.status_code == 200
    assert message in response.content
    assert not User.objects.exists()


@pytest.mark.django_db
def test_expired_verification_link_is_refused(client):
    signup(client)
    confirm_url = link_from_last_email("/accounts/confirm-email/")
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=25)):
        page = client.get(confirm_url)
        client.post(confirm_url)
    assert page.status_code == 200
    assert b"expired or is invalid" in page.content
    assert not EmailAddress.objects.get(email="nina@example.test").verified


@pytest.mark.django_db
def test_password_reset_link_works_once_and_expires_after_an_hour(client, homeowner):
    client.post("/accounts/password/reset/", {"email": homeowner.email})
    reset_url = link_from_last_email("/accounts/password/reset/key/")

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=61)):
        expired = client.get(reset_url, follow=True)
    assert b"invalid" in expired.content.lower() or b"expired" in expired.content.lower()

    form = client.get(reset_url, follow=True)
    action = form.redirect_chain[-1][0] if form.redirect_chain else reset_url
    new = "brand-new-passphrase-77"
    response = client.post(action, {"password1": new, "password2": new})
    assert response.status_code == 302
    homeowner.refresh_from_db()
    assert homeowner.check_password(new)
    assert AuditLog.objects.filter(action="auth.password_reset", actor=homeowner).exists()

    reused = client.get(reset_url, follow=True)
    assert b"invalid" in reused.content.lower() or b"expired" in reused.content.lower()


@pytest.mark.django_db
def test_login_logout_and_password_change_are_audited(client, homeowner, password):
    response = client.post("/accounts/login/", {"login": homeowner.email.upper(), "password": password})
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="auth.login", actor=homeowner).count() == 1
    new = "another-strong-passphrase-88"
    response = client.post(
        "/accounts/password/change/", {"oldpassword": password, "password1": new, "password2": new}
    )
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="auth.password_changed", actor=homeowner).exists()
    client.post("/accounts/logout/")
    assert AuditLog.objects.filter(action="auth.logout", actor=homeowner).exists()


@pytest.mark.django_db
def test_wrong_password_is_a_clear_message_and_audited(client, homeowner):
    response = client.post("/accounts/login/", {"login": homeowner.email, "password": "nope-nope-nope"})
    assert response.status_code == 200
    assert b"not correct" in response.content
    entry = AuditLog.objects.get(action="auth.login_failed")
    assert entry.target_id == str(homeowner.pk)
