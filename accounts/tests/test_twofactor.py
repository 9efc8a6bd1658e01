"""Two-factor sign-in (issue 12, point 3): required for staff before any admin page, optional
for everyone else; ASVS 2.7/2.8 (out-of-band and one-time verifiers), 4.3.1 (admin MFA)."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from accounts.models import ApiToken
from accounts.tests.factories import PASSWORD, HomeownerFactory, StaffFactory, totp_code

pytestmark = pytest.mark.django_db


def _sign_in(client, user, password=PASSWORD, next_url="/admin/"):
    return client.post(f"/accounts/login/?next={next_url}", {"login": user.email, "password": password})


def _confirm_password(client, path="/accounts/2fa/totp/activate/"):
    """allauth asks for the password again before an authenticator is added."""
    response = client.get(path)
    if response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/"):
        client.post(response["Location"], {"password": PASSWORD})
        response = client.get(path)
    assert response.status_code == 200
    return response


def test_staff_without_totp_are_sent_to_enrol_and_kept_out_of_the_admin():
    staff = StaffFactory(totp=False)
    client = Client()
    _sign_in(client, staff)
    for path in ("/admin/", "/admin/disputes/dispute/", "/jobs/", "/dashboard/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/", path
    api = client.get("/api/v1/me/")
    assert api.status_code == 403 and "two-factor" in api.json()["error"]["message"]
    page = _confirm_password(client)
    assert b"Staff accounts need two-factor authentication" in page.content
    assert b"Authenticator code" in page.content


def test_staff_enrol_then_confirm_with_a_code_to_open_the_admin():
    staff = StaffFactory(totp=False)
    client = Client()
    _sign_in(client, staff)
    _confirm_password(client)
    secret = client.session["mfa.totp.secret"]
    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and not Authenticator.objects.filter(user=staff).exists()
    done = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert done.status_code == 302
    types = set(Authenticator.objects.filter(user=staff).values_list("type", flat=True))
    assert types == {"totp", "recovery_codes"}
    assert client.get("/accounts/2fa/recovery-codes/").status_code == 200
    # This session signed in with a password only: the admin asks for a code first.
    gate = client.get("/admin/payments/payment/")
    assert gate.status_code == 302 and gate["Location"].startswith("/accounts/2fa/reauthenticate/?next=")
    confirmed = client.post(gate["Location"], {"code": totp_code(secret, step_offset=1)})
    assert confirmed.status_code == 302 and confirmed["Location"] == "/admin/payments/payment/"
    assert client.get("/admin/payments/payment/").status_code == 200


def test_every_admin_sign_in_asks_for_the_code():
    staff = StaffFactory()
    client = Client()
    first = _sign_in(client, staff)
    assert first.status_code == 302 and first["Location"].startswith("/accounts/2fa/authenticate/")
    assert "_auth_user_id" not in client.session  # a password alone signs nobody in
    assert client.get("/admin/").status_code == 302
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "12345x"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    signed_in = client.post("/accounts/2fa/authenticate/", {"code": totp_code(staff.totp_secret)})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_replaces_a_lost_phone_once():
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    staff = StaffFactory()
    code = RecoveryCodes(Authenticator.objects.get(user=staff, type="recovery_codes")).get_unused_codes()[0]
    client = Client()
    _sign_in(client, staff)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.get("/admin/").status_code == 200
    again = Client()
    _sign_in(again, staff)
    assert again.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200  # used up


def test_django_admin_password_form_cannot_sign_in():
    staff = StaffFactory()
    client = Client()
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_two_factor_is_optional_for_everyone_else(client):
    owner = HomeownerFactory()
    client.force_login(owner)
    assert client.get("/jobs/mine/").status_code == 200  # no enrolment gate
    settings_page = client.get("/accounts/2fa/")
    assert settings_page.status_code == 200 and b"Two-factor" in settings_page.content
    _confirm_password(client)
    secret = client.session["mfa.totp.secret"]
    assert client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)}).status_code == 302
    client.post("/accounts/logout/")
    fresh = Client()
    response = _sign_in(fresh, owner, next_url="/jobs/mine/")
    assert response["Location"].startswith("/accounts/2fa/authenticate/")


def test_a_password_alone_mints_no_api_token_for_two_factor_accounts(api_client):
    for user in (StaffFactory(), StaffFactory(totp=False)):
        response = api_client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json")
        assert response.status_code == 403 and response.json()["error"]["code"] == "two_factor_required"
    assert not ApiToken.objects.exists()
    owner = HomeownerFactory()
    assert api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": PASSWORD},
                           format="json").status_code == 201
