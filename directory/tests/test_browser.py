"""Browser: a homeowner finds a verified contractor in the directory and invites them to bid
on an open job; a profile with a logo, metrics and reviews hired through the platform; a
contractor reads the homeowner's record on a job page. Screenshots at 1280 and 375 px."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.tests.factories import ContractorFactory, HomeownerFactory, StaffFactory
from core.tests.browser import both_widths, log_in
from credentials.tests.factories import verified
from directory import stats
from directory.models import Invitation
from directory.tests.test_logo import big_jpeg_with_gps
from jobs.models import Category
from jobs.tests.factories import JobFactory
from messaging import services as messaging
from notifications.models import Notification
from reviews import services as review_services
from reviews.tests.helpers import completed_contract

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_homeowner_finds_and_invites(page, shot):
    plumbing = Category.objects.get(slug="plumbing")
    rivera = ContractorFactory(profile__business_name="Rivera Plumbing", profile__zip_code="78701")
    rivera.contractor_profile.trades.add(plumbing)
    verified(rivera, "license", staff=StaffFactory())
    other = ContractorFactory(profile__business_name="Unverified Pipes", profile__zip_code="78701")
    other.contractor_profile.trades.add(plumbing)
    homeowner = HomeownerFactory(full_name="Maria Lopez")
    job = JobFactory(homeowner=homeowner, title="Replace the water heater")

    log_in(page, homeowner)
    page.get_by_role("link", name="Find contractors").click()
    page.get_by_label("Trade").select_option("plumbing")
    page.get_by_label("Near ZIP").fill("78704")
    page.get_by_label("Within").select_option("25")
    page.get_by_label("Verified license or insurance only").check()
    page.get_by_role("button", name="Show contractors").click()
    page.get_by_text("1 contractor").wait_for()
    assert page.get_by_role("link", name="Unverified Pipes").count() == 0
    both_widths(page, shot, "1-directory")

    page.get_by_role("link", name="Rivera Plumbing").click()
    page.get_by_text("Verified license (TX)").wait_for()
    page.get_by_label("Invite to bid on").select_option(label="Replace the water heater")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation sent.").wait_for()
    shot(page, "2-invited-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    shot(page, "2-invited-375")
    assert Invitation.objects.filter(job=job, contractor=rivera).exists()
    assert Notification.objects.filter(recipient=rivera, event="bid.invited").exists()


def _track_record(homeowner, contractor):
    """Five real contracts, funded, submitted and approved, each with a question answered
    two hours later, and one review each way: enough history for every metric."""
    start = timezone.now() - timedelta(days=20)
    for i in range(5):
        contract = completed_contract(homeowner, contractor)
        with time_machine.travel(start + timedelta(days=i), tick=False):
            messaging.message_post(actor=homeowner, contract_id=contract.pk, body="Can you start at eight?")
        with time_machine.travel(start + timedelta(days=i, hours=2), tick=False):
            messaging.message_post(actor=contractor, contract_id=contract.pk, body="Eight works.")
    review_services.review_submit(actor=homeowner, contract_id=contract.pk, rating=5,
                                  body="Replaced the water heater in a day and left the garage spotless.")
    review_services.review_submit(actor=contractor, contract_id=contract.pk, rating=5,
                                  body="Clear brief, paid each milestone the same day.")
    stats.refresh([contractor.pk])


def test_profile_shows_logo_metrics_and_hired_reviews_and_bidders_see_the_homeowner(page, shot):
    plumbing = Category.objects.get(slug="plumbing")
    rivera = ContractorFactory(profile__business_name="Rivera Plumbing", profile__zip_code="78701")
    rivera.contractor_profile.trades.add(plumbing)
    newcomer = ContractorFactory(profile__business_name="Newcomer Drains", profile__zip_code="78701")
    newcomer.contractor_profile.trades.add(plumbing)
    homeowner = HomeownerFactory(full_name="Maria Lopez")
    _track_record(homeowner, rivera)
    job = JobFactory(homeowner=homeowner, title="Fix the leaking shower valve")

    log_in(page, rivera)
    page.goto(f"/contractors/{rivera.pk}/")
    page.get_by_role("link", name="Manage your logo and portfolio photos").click()
    page.get_by_label("New logo").set_input_files({"name": "logo.jpg", "mimeType": "image/jpeg",
                                               "buffer": big_jpeg_with_gps((600, 600)).read()})
    page.get_by_role("button", name="Upload logo").click()
    page.get_by_text("Logo saved.").wait_for()
    assert page.get_by_role("img", name="Your current logo").count() == 1
    both_widths(page, shot, "2b-logo-settings")

    log_in(page, homeowner)
    page.goto("/contractors/?category=plumbing")
    card = page.locator(".directory-card", has=page.get_by_role("link", name="Rivera Plumbing"))
    assert card.locator("img.avatar").count() == 1 and "Replies within 2 hours" in card.inner_text()
    newcomer_card = page.locator(".directory-card", has=page.get_by_role("link", name="Newcomer Drains"))
    assert newcomer_card.get_by_text("Not enough history yet").count() == 3
    assert newcomer_card.locator(".avatar-initials").inner_text() == "ND"
    both_widths(page, shot, "3-directory-metrics")

    page.get_by_role("link", name="Rivera Plumbing").click()
    logo = page.get_by_role("img", name="Logo of Rivera Plumbing")
    logo.wait_for()
    assert logo.evaluate("img => img.naturalWidth") == 400  # scaled down from 600
    record = page.locator("section", has=page.get_by_role("heading", name="Record on FairTradeWorker"))
    text = record.inner_text()
    assert "Replies within 2 hours" in text and "100%" in text and "(5 of 5 milestones)" in text
    assert "0%" in text and "(0 of 5 contracts)" in text
    review = page.get_by_role("article", name="Review by Maria")
    assert "Hired through FairTradeWorker" in review.inner_text() and "garage spotless" in review.inner_text()
    both_widths(page, shot, "4-profile")

    log_in(page, newcomer)
    page.goto(f"/jobs/{job.pk}/")
    summary = page.locator("section", has=page.get_by_role("heading", name="About the homeowner, Maria"))
    text = summary.inner_text()
    assert summary.locator('dt:text-is("Hires made") + dd').inner_text() == "5"
    assert "5 of 5 milestones funded on time" in text
    assert "5.0 / 5 from 1 review" in text and "paid each milestone the same day" in text
    shot(page, "5-homeowner-summary-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    shot(page, "5-homeowner-summary-375")
