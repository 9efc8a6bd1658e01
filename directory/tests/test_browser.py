"""Browser: a homeowner finds a verified contractor in the directory and invites them to bid
on an open job. Screenshots at 1280 and 375 px."""


import pytest

from accounts.tests.factories import ContractorFactory, HomeownerFactory, StaffFactory
from core.tests.browser import log_in
from credentials.tests.factories import verified
from directory.models import Invitation
from jobs.models import Category
from jobs.tests.factories import JobFactory
from notifications.models import Notification

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
    shot(page, "1-directory-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    shot(page, "1-directory-375")
    page.set_viewport_size({"width": 1280, "height": 900})

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
