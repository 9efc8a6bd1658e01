"""Browser: a contractor verifies a phone with the code from the console SMS, then bids; the
homeowner sees the bell count go up and reads the notification. Plus the settings pages at
phone width."""

import re

import pytest

from accounts.tests.factories import ContractorFactory, HomeownerFactory
from core.tests.browser import log_in
from jobs.models import Category
from jobs.tests.factories import JobFactory
from notifications.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def console_code(capsys) -> str:
    out = capsys.readouterr().out
    return re.findall(r"SMS to \+15125550199: FairTradeWorker: your verification code is (\d{6})", out)[-1]


def test_contractor_verifies_phone_bids_and_homeowner_reads_the_bell(
    page, browser, live_server, shot, capsys, settings
):
    settings.SMS_BACKEND = "console"
    # Transactional tests flush the table the jobs migration seeds; make sure the trade exists.
    Category.objects.get_or_create(slug="plumbing", defaults={"name": "Plumbing"})
    homeowner = HomeownerFactory(full_name="Maria Lopez")
    job = JobFactory(homeowner=homeowner, title="Fix the leaking kitchen faucet")
    contractor = ContractorFactory(phone="", phone_verified_at=None)

    # The homeowner is already looking at the site in another browser: no unread yet.
    owner_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    owner = owner_context.new_page()
    owner_errors = []
    owner.on("console", lambda msg: owner_errors.append(msg.text) if msg.type == "error" else None)
    log_in(owner, homeowner)
    bell = owner.locator("a.bell")
    assert bell.locator("[data-bell-count]").is_hidden()

    # The contractor cannot bid without a verified phone; the job page says so and links the fix.
    log_in(page, contractor)
    page.goto(f"/jobs/{job.pk}/")
    page.get_by_role("link", name="Verify your phone").click()
    page.get_by_role("heading", name="Phone", exact=True).wait_for()
    page.get_by_role("textbox", name="Mobile number").fill("+44 20 7946 0958")
    page.get_by_role("button", name="Text me a code").click()
    page.get_by_text("We can only text US mobile numbers for now.").wait_for()
    page.get_by_role("textbox", name="Mobile number").fill("(512) 555-0199")
    shot(page, "1-phone-number")
    page.get_by_role("button", name="Text me a code").click()
    page.get_by_text("We texted a code to (512) 555-0199.").wait_for()
    code = console_code(capsys)
    page.get_by_role("textbox", name="6-digit code").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Verify").click()
    page.get_by_text("That code is not right. 4 tries left.").wait_for()
    page.get_by_role("textbox", name="6-digit code").fill(code)
    shot(page, "2-code")
    page.get_by_role("button", name="Verify").click()
    page.get_by_text("Your phone number is verified.").wait_for()
    # The link carried ?next=: verifying returns the contractor to the job they were looking at.
    assert page.url.endswith(f"/jobs/{job.pk}/")
    page.goto("/settings/phone/")
    assert page.get_by_text("Verified", exact=True).is_visible()
    shot(page, "3-verified")

    # Now the bid.
    page.goto(f"/jobs/{job.pk}/")
    page.get_by_role("link", name="Place a bid").click()
    page.get_by_label("Your price ($)").fill("425")
    page.get_by_label("Working days needed").fill("1")
    page.get_by_label("You could start on").fill(job.desired_start.isoformat())
    page.get_by_label("Message to the homeowner").fill("Can do it Tuesday; cartridge and supply lines included.")
    page.get_by_role("button", name="Place sealed bid").click()
    page.get_by_text("Bid placed.").wait_for()

    # The homeowner's bell updates without a reload (the script polls when the tab is shown).
    owner.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    owner.locator("a.bell [data-bell-count]").wait_for(state="visible")
    assert owner.locator("a.bell [data-bell-count]").inner_text().startswith("1")
    shot(owner, "4-bell")
    bell.click()
    owner.get_by_role("heading", name="Notifications").wait_for()
    item = owner.get_by_role("button", name=re.compile("^Unread: New bid on “Fix the leaking kitchen faucet”"))
    assert owner.get_by_text("You now have 1 sealed bid.").is_visible()
    page_text = owner.locator("main").inner_text()
    assert "$425" not in page_text and contractor.contractor_profile.business_name not in page_text  # sealed
    shot(owner, "5-list")
    item.click()
    owner.wait_for_url(re.compile(rf"/jobs/{job.pk}/"))
    assert owner.locator("a.bell [data-bell-count]").is_hidden()
    assert Notification.objects.get(recipient=homeowner).read_at is not None
    owner_context.close()
    assert not owner_errors, owner_errors


def test_settings_pages_at_phone_width(page, shot, settings):
    contractor = ContractorFactory()
    log_in(page, contractor)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/notifications/preferences/")
    page.get_by_role("heading", name="Notifications").wait_for()
    page.get_by_label("Bid accepted by text message").uncheck()
    shot(page, "prefs-360")
    page.get_by_role("button", name="Save preferences").click()
    page.get_by_text("Notification preferences saved.").wait_for()
    assert not page.get_by_label("Bid accepted by text message").is_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto("/notifications/")
    page.get_by_text("Nothing here yet").wait_for()
    shot(page, "list-empty-360")
    page.goto("/settings/phone/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "phone-360")
