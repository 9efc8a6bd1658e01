"""Browser: a homeowner posts a job with a photo; two contractors bid without seeing each
other; the homeowner closes bidding, compares and awards; the loser sees the outcome."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import ContractorFactory, HomeownerFactory
from bids.models import Bid
from contracts.models import Contract
from core.tests.browser import log_in, new_page
from jobs.models import Job
from jobs.tests.factories import category
from jobs.tests.images import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def place_bid(page, job, amount, rows):
    page.goto(f"/jobs/{job.pk}/")
    page.get_by_role("link", name="Place a bid").click()
    page.get_by_label("Your price ($)").fill(amount)
    page.get_by_label("Working days needed").fill("3")
    page.get_by_label("You could start on").fill((timezone.localdate() + timedelta(days=9)).isoformat())
    for index, (title, cents) in enumerate(rows, 1):
        page.get_by_label(f"Milestone {index}", exact=True).fill(title)
        page.locator(f"#id_m-{index - 1}-amount_cents").fill(cents)
    page.get_by_role("button", name="Place sealed bid").click()
    page.wait_for_url(f"**/jobs/{job.pk}/")


def test_post_bid_compare_award(page, browser, live_server, shot):
    category("plumbing")
    homeowner = HomeownerFactory(full_name="Maria Lopez")
    winner = ContractorFactory(profile__business_name="Austin Pipe Pros")
    loser = ContractorFactory(profile__business_name="Lakeside Plumbing")
    errors: list = []

    # The homeowner posts a job with a photo.
    log_in(page, homeowner)
    page.goto("/jobs/new/")
    page.get_by_label("Title").fill("Replace leaking water heater")
    page.get_by_label("Trade").select_option("plumbing")
    page.get_by_label("Description").fill("The 40 gallon gas heater in the garage leaks at the base. Replace it.")
    page.get_by_label("ZIP code").fill("78704")
    page.get_by_label("Street address").fill("12 Oak Street")
    page.get_by_label("Budget from ($)").fill("1200")
    page.get_by_label("Budget up to ($)").fill("2500")
    page.get_by_label("Desired start").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    page.get_by_label("Bids close on").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    page.get_by_label("Photos").set_input_files(
        files=[{"name": "heater.jpg", "mimeType": "image/jpeg", "buffer": image_bytes(size=(640, 480), exif_gps=True)}]
    )
    shot(page, "1-post-job")
    page.get_by_role("button", name="Publish job").click()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    job = Job.objects.get()
    assert job.status == Job.Status.OPEN and job.photos.count() == 1
    assert page.get_by_role("img", name=re.compile("Photo 1")).is_visible()

    # Two contractors bid; the second one works on a phone-sized screen.
    first = new_page(browser, live_server, errors)
    log_in(first, winner)
    first.goto("/jobs/?sort=newest")
    assert first.get_by_role("link", name="Replace leaking water heater").is_visible()
    shot(first, "board")
    place_bid(first, job, "1,800", [("Remove old heater and supply new", "800"), ("Install and test", "1000")])
    assert "Your bid" in first.content() and "$1,800.00" in first.content()
    assert "12 Oak Street" not in first.content()

    second = new_page(browser, live_server, errors, width=360)
    log_in(second, loser)
    place_bid(second, job, "2150", [])
    shot(second, "2-contractor-bid-360")
    body = second.content()
    assert "$2,150.00" in body and "1,800" not in body and "Austin Pipe Pros" not in body
    first.goto(f"/jobs/{job.pk}/")
    assert "2,150" not in first.content() and "Lakeside" not in first.content()

    # The homeowner sees only the count, closes bidding, compares and awards.
    page.goto(f"/jobs/{job.pk}/")
    assert "bids received" in page.content() and "1,800" not in page.content()
    page.get_by_role("link", name="Close bidding and compare").click()
    page.get_by_text("No more bids can arrive").wait_for()
    page.get_by_role("button", name="Close bidding and open the bids").click()
    page.wait_for_url(f"**/jobs/{job.pk}/compare/")
    assert "$1,800.00" in page.content() and "$2,150.00" in page.content()
    shot(page, "3-compare")
    page.get_by_role("link", name="Hire Austin Pipe Pros").click()
    assert "$1,890.00" in page.content()  # 1,800 + 5% fee, shown before committing
    page.get_by_role("button", name="Hire and create contract").click()
    page.wait_for_url(re.compile(r"/contracts/[0-9a-f-]+/$"))
    contract = Contract.objects.get()
    assert contract.contractor == winner and contract.total_cents == 180_000
    assert page.get_by_role("heading", name="Milestones").is_visible()
    shot(page, "4-contract")

    # The loser sees the outcome: with two bids their rank and a band, never the winner's
    # price (a range of two bids would be it) nor name.
    second.goto("/bids/")
    assert "Not selected" in second.content()
    second.get_by_role("link", name="How your bid compared").click()
    body = second.content()
    assert "2 of 2" in body and "More than 15% lower than yours" in body and "$2,150.00" in body
    assert "$1,800.00" not in body and "Austin Pipe Pros" not in body
    shot(second, "5-loser-outcome-360")
    assert Bid.objects.get(contractor=loser).status == Bid.Status.NOT_SELECTED
    assert not errors, errors
