"""Browser: every account page renders in the site's layout without console or CSP errors."""

import pytest

from core.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANONYMOUS_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
SIGNED_IN_PAGES = ["/dashboard/", "/settings/profile/", "/onboarding/", "/accounts/email/",
                   "/accounts/password/change/", "/settings/api-tokens/"]


def test_account_pages_use_the_site_layout(page, contractor, password, shot):
    for url in ANONYMOUS_PAGES:
        page.goto(url)
        assert page.locator("header.site-header").count() == 1, url
        assert page.locator("footer.site-footer").count() == 1, url
        shot(page, url.strip("/").replace("/", "-"))
    log_in(page, contractor, password)
    for url in SIGNED_IN_PAGES:
        page.goto(url)
        assert page.locator("header.site-header").count() == 1, url
        for field in page.locator("input:not([type=hidden]):not([type=submit]), select, textarea").all():
            field_id = field.get_attribute("id")
            assert field_id and page.locator(f"label[for='{field_id}']").count() >= 1, (url, field_id)
        shot(page, url.strip("/").replace("/", "-"))


def test_api_token_created_in_browser_is_shown_once(page, homeowner, password):
    log_in(page, homeowner, password)
    page.goto("/settings/api-tokens/")
    page.get_by_label("Token name").fill("Spreadsheet")
    page.keyboard.press("Enter")
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("ftw_")
    page.reload()
    assert page.locator("#new-token").count() == 0
    page.get_by_role("button", name="Revoke Spreadsheet").click()
    page.get_by_text("No active tokens").wait_for()
