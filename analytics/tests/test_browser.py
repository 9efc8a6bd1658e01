"""Browser: staff read the analytics page (filters, tiles, SVG charts, CSV link) and a
homeowner sees the fair-price band while posting a job and on the job; at 1280 and 375 px."""

import re

import pytest

from accounts.tests.factories import ContractorFactory, HomeownerFactory, StaffFactory
from analytics import services
from contracts.tests.factories import contract_for
from core.tests.browser import log_in, new_page
from jobs.tests.factories import JobFactory

from .market import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_analytics_page(page, browser, live_server, shot, django_capture_on_commit_callbacks, settings):
    settings.PAYMENT_GATEWAY = "simulated"
    market = build(HomeownerFactory(), django_capture_on_commit_callbacks)
    services.views_refresh()
    staff = StaffFactory()
    errors: list = []
    log_in(page, staff)  # once: a second sign-in within the same 30 s would reuse the TOTP code, which is refused
    for width in (1280, 375):
        tab = page
        tab.set_viewport_size({"width": width, "height": 900})
        tab.goto("/admin/")
        tab.locator('a[href="/admin/analytics/marketplaceinsights/"]').first.click()
        tab.get_by_label("From", exact=True).fill(market.d1.isoformat())
        tab.get_by_label("To", exact=True).fill(market.d3.isoformat())
        tab.get_by_role("button", name="Apply").click()
        tab.wait_for_url("**start=*")
        tiles = tab.locator(".kpi-tiles")
        assert "$1,400.00" in tiles.inner_text() and "$40.00" in tiles.inner_text()
        assert tab.locator("svg.bars").count() == 4 and tab.locator("svg.bars rect").count() == 4 * 3
        assert tab.locator("ul.hbars li").count() >= 5  # funnel steps + a trade
        assert tab.get_by_role("link", name=re.compile(r"^Download .* as CSV$")).count() == 4
        # Nothing overflows the phone's width but the tables' own scroll boxes.
        assert tab.evaluate("document.documentElement.scrollWidth") <= width + 1
        shot(tab, f"staff-{width}")
    assert errors == []


def test_homeowner_sees_the_price_band(page, browser, live_server, shot):
    for cents in (100_000, 120_000, 140_000, 160_000, 180_000):
        contract_for(contractor=ContractorFactory(), milestones=[("All", cents)])
    services.views_refresh()
    homeowner = HomeownerFactory(full_name="Maria Lopez")
    job = JobFactory(homeowner=homeowner, title="Replace leaking water heater")
    errors: list = []
    for width in (1280, 375):
        tab = page if width == 1280 else new_page(browser, live_server, errors, width=width)
        log_in(tab, homeowner)
        tab.goto("/jobs/new/")
        band = tab.locator(".price-band").first
        assert ("Typical awarded price for Plumbing around 787: $1,200.00 to $1,600.00 (median $1,400.00, from 5 jobs)"
                in " ".join(band.inner_text().split()))
        assert tab.evaluate("document.documentElement.scrollWidth") <= width + 1
        shot(tab, f"post-job-{width}")
        tab.goto(f"/jobs/{job.pk}/")
        owner_band = tab.locator(".owner-panel .price-band")
        assert "$1,200.00 to $1,600.00" in owner_band.inner_text() and "not counting this job" in owner_band.inner_text()
        shot(tab, f"job-{width}")
    assert errors == []
