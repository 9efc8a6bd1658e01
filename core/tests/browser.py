"""Helpers shared by the browser tests (Chromium through Playwright; fixtures in conftest.py)."""

import re

from accounts.tests.factories import PASSWORD, totp_code


def log_in(page, user, password=PASSWORD):
    """Sign in through the real form, as a person would. Staff answer the TOTP step
    (accounts/twofactor.py); one staff sign-in per 30 s window, the code is single-use."""
    # Leave the last page first: a request of it still in flight (htmx) could otherwise set
    # the previous person's cookies again after they are cleared (a 403 on the sign-in form).
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    if getattr(user, "totp_secret", None):
        page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
        page.locator("input[name=code]").fill(totp_code(user.totp_secret))
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/dashboard/|/onboarding/"))


def new_page(browser, live_server, errors, width=1280):
    """A second person's browser (own cookies), collecting console errors into `errors`."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    other = context.new_page()
    other.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    other.on("pageerror", lambda exc: errors.append(str(exc)))
    return other


def both_widths(page, shot, name):
    """Screenshots at 1280 and 375 px (`<name>-1280`, `<name>-375`); the page ends at 1280."""
    shot(page, f"{name}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    shot(page, f"{name}-375")
    page.set_viewport_size({"width": 1280, "height": 900})
