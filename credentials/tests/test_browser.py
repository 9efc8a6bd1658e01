"""Browser: a contractor uploads a license and insurance; staff verify one and reject the
other with a reason; the badge shows on the compare page and the profile, and is gone on
the expiry date (time travel). Screenshots at 1280 and 375 px."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.tests.factories import ContractorFactory, HomeownerFactory, StaffFactory
from bids.tests.factories import BidFactory
from core.tests.browser import both_widths, log_in
from credentials.models import Credential
from jobs.models import Job
from jobs.tests.factories import JobFactory
from payments.tests.images import PDF, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_verify_reject_badge_and_expiry(page, shot, tmp_path):
    contractor = ContractorFactory(profile__business_name="Rivera Plumbing")
    homeowner = HomeownerFactory(full_name="Maria Lopez")
    staff = StaffFactory(email="staff@example.test")
    job = JobFactory(homeowner=homeowner, title="Replace the water heater", status=Job.Status.REVIEWING,
                     bidding_closed_at=timezone.now())
    BidFactory(job=job, contractor=contractor)
    expires = timezone.localdate() + timedelta(days=5)

    log_in(page, contractor)
    page.goto("/credentials/")
    (tmp_path / "license.pdf").write_bytes(PDF)
    page.get_by_label("What are you adding?").select_option("license")
    page.get_by_label("License, policy or bond number").fill("M-40213")
    page.get_by_label("Issuing state").select_option("TX")
    page.get_by_label("License class").fill("Master Plumber")
    page.get_by_label("Expiry date").fill(expires.isoformat())
    page.get_by_label("Document (PDF or photo)").set_input_files(str(tmp_path / "license.pdf"))
    page.get_by_role("button", name="Submit for verification").click()
    page.get_by_text("Added. Our staff check it").wait_for()

    (tmp_path / "certificate.png").write_bytes(png_bytes())
    page.get_by_label("What are you adding?").select_option("insurance")
    page.get_by_label("License, policy or bond number").fill("GL-88-1001")
    page.get_by_label("Insurer or surety").fill("Lone Star Mutual")
    page.get_by_label("Coverage amount").fill("1000000")
    page.get_by_label("Expiry date").fill((expires + timedelta(days=300)).isoformat())
    page.get_by_label("Document (PDF or photo)").set_input_files(str(tmp_path / "certificate.png"))
    page.get_by_role("button", name="Submit for verification").click()
    page.get_by_text("Added. Our staff check it").wait_for()
    assert page.get_by_test_id("credential-license").get_by_text("Awaiting review").is_visible()
    both_widths(page, shot, "1-contractor-submitted")

    # Staff: the queue, oldest first; the license with its document and the board link.
    log_in(page, staff)
    page.goto("/admin/credentials/credential/")
    page.locator("#result_list tbody tr").first.locator("a").first.click()
    page.get_by_role("heading", name=re.compile("Trade license")).wait_for()
    board = page.get_by_role("link", name=re.compile("Look up M-40213 on the TX licensing board"))
    assert "tdlr.texas.gov" in board.get_attribute("href") and "M-40213" in board.get_attribute("href")
    assert page.locator("iframe[title='Credential document']").is_visible()
    shot(page, "2-staff-review-license")
    page.get_by_role("button", name="Verify").click()
    page.get_by_text("Verified: trade license M-40213.").wait_for()
    page.locator("#result_list tbody tr").first.locator("a").first.click()
    page.get_by_role("heading", name=re.compile("Liability insurance")).wait_for()
    page.get_by_alt_text("Credential document").wait_for()
    reason = page.get_by_label("Reason (sent to the contractor)")
    assert reason.evaluate("el => el.required")  # a rejection without a reason is refused
    page.get_by_label("Reason (sent to the contractor)").fill("The certificate names a different business.")
    page.get_by_role("button", name="Reject").click()
    page.get_by_text("Rejected; the contractor was told why.").wait_for()
    assert dict(Credential.objects.values_list("kind", "status")) == {"license": "verified", "insurance": "rejected"}

    # The contractor sees why.
    log_in(page, contractor)
    page.goto("/credentials/")
    page.get_by_text("Not verified: The certificate names a different business.").wait_for()

    # The homeowner: verified license on the compare page and the profile; insurance not.
    log_in(page, homeowner)
    page.goto(f"/jobs/{job.pk}/compare/")
    card = page.locator(".compare-card").first
    card.get_by_text("Verified license (TX)").wait_for()
    assert card.get_by_text("No verified insurance").is_visible()
    both_widths(page, shot, "3-compare-verified")
    page.get_by_role("link", name="View profile").click()
    page.get_by_text("Verified license (TX)").wait_for()
    both_widths(page, shot, "4-profile-verified")

    # The expiry date comes: the badge is gone everywhere.
    with time_machine.travel(timezone.localtime() + timedelta(days=5)):
        log_in(page, homeowner)
        page.goto(f"/jobs/{job.pk}/compare/")
        page.locator(".compare-card").first.get_by_text("No verified license").wait_for()
        assert page.get_by_text("Verified license (TX)").count() == 0
        shot(page, "5-compare-after-expiry")
        page.goto(f"/contractors/{contractor.pk}/")
        page.get_by_text("No verified license").wait_for()
