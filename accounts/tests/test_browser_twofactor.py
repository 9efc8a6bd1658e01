"""Browser: a staff member enrols an authenticator app and signs in to the admin with a code
(issue 12, point 3). The code is computed in the test from the secret shown on the page,
as an authenticator app would."""

import re

import pytest

from accounts.tests.factories import PASSWORD, StaffFactory, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_enrols_totp_and_signs_in_to_the_admin(page, shot):
    staff = StaffFactory(totp=False)
    page.goto("/accounts/login/?next=/admin/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    # No authenticator yet: the admin is out of reach; allauth asks for the password again
    # before an authenticator is added.
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_text("Staff accounts need two-factor authentication").wait_for()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    shot(page, "1-enrol-1280")
    page.set_viewport_size({"width": 375, "height": 812})
    shot(page, "2-enrol-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    shot(page, "3-recovery-codes")

    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/accounts/2fa/reauthenticate/"))
    page.locator("input[name=code]").fill(totp_code(secret, step_offset=1))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    page.get_by_text("Moderation and operations").wait_for()
    shot(page, "4-admin")

    # Signing in again: password, then the code, then the admin.
    page.context.clear_cookies()
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.set_viewport_size({"width": 375, "height": 812})
    shot(page, "5-code-375")
    page.locator("input[name=code]").fill(totp_code(secret, step_offset=-1))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    page.get_by_text("Moderation and operations").wait_for()
    shot(page, "6-admin-375")
