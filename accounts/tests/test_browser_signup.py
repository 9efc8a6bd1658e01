"""Browser: a new homeowner signs up, verifies by the emailed link, onboards, logs out and in."""

import re

import pytest
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-and-unusual-passphrase-42"


def test_homeowner_signup_verify_onboard_logout_login(page, live_server, shot):
    page.goto("/")
    page.get_by_role("link", name="Get started").click()
    page.get_by_label("Full name").fill("Paula Park")
    page.get_by_label("Email").fill("paula@example.test")
    page.get_by_label("Homeowner").check()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    shot(page, "1-signup")
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_text("Verify Your Email Address").wait_for()
    shot(page, "2-verification-sent")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)
    page.goto(link.replace("http://testserver", live_server.url))
    shot(page, "3-confirm")
    page.get_by_role("button", name="Confirm").click()

    page.get_by_role("heading", name="Where is your home?").wait_for()
    page.get_by_label("ZIP code of your home").fill("00000")
    page.get_by_role("button", name="Finish setup").click()
    page.get_by_text("We don't recognise that ZIP code.").wait_for()
    page.get_by_label("ZIP code of your home").fill("78701")
    page.get_by_role("button", name="Finish setup").click()
    page.get_by_role("heading", name="Welcome, Paula Park").wait_for()
    shot(page, "4-dashboard")

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill("PAULA@example.test")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_text("not correct").wait_for()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Welcome, Paula Park").wait_for()


def test_home_page_is_usable_at_360px(page, shot):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    shot(page, "home-360")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page scrolls sideways at 360 px ({width} px wide)"
    page.goto("/accounts/signup/")
    shot(page, "signup-360")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
