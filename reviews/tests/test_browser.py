"""Browser: both parties review a finished contract; each review stays hidden until both are
in, then appears on the contractor's public profile."""


import pytest

from accounts.tests.factories import ContractorFactory, HomeownerFactory
from core.tests.browser import log_in

from .helpers import completed_contract

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_double_blind_reviews_appear_once_both_are_in(page, browser, live_server, shot, settings):
    from jobs.models import Category

    settings.PAYMENT_GATEWAY = "simulated"
    Category.objects.get_or_create(slug="plumbing", defaults={"name": "Plumbing"})
    homeowner = HomeownerFactory(full_name="Maria Lopez")
    contractor = ContractorFactory()
    contract = completed_contract(homeowner, contractor)

    log_in(page, homeowner)
    page.goto(f"/contracts/{contract.pk}/")
    page.get_by_role("link", name="Write a review").click()
    page.get_by_label("4 — Good").check()
    page.get_by_role("textbox", name="Your review").fill("MARIA-REVIEW: tidy work, one day late.")
    page.get_by_role("button", name="Submit review").click()
    page.get_by_text("Your review stays hidden until the other party reviews too").wait_for()
    shot(page, "1-homeowner-submitted")

    # Not public yet: the profile shows no review.
    page.goto(f"/contractors/{contractor.pk}/")
    page.get_by_text("No reviews yet. Reviews appear after a finished job").wait_for()
    assert "MARIA-REVIEW" not in page.content()

    errors = []
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 800})
    other = context.new_page()
    other.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(other, contractor)
    other.goto(f"/contracts/{contract.pk}/review/")
    assert "MARIA-REVIEW" not in other.content()  # the contractor cannot peek either
    other.get_by_label("5 — Excellent").check()
    other.get_by_role("textbox", name="Your review").fill("Clear brief and paid on time.")
    other.get_by_role("button", name="Submit review").click()
    other.get_by_text("Both reviews are now published.").wait_for()
    other.get_by_text("MARIA-REVIEW: tidy work, one day late.").wait_for()
    other.get_by_role("textbox", name="Your reply").fill("Thanks Maria, sorry about the delay.")
    other.get_by_role("button", name="Publish reply").click()
    other.get_by_text("Reply published.").wait_for()
    shot(other, "2-contractor-mobile")
    assert not errors, errors

    page.goto(f"/contractors/{contractor.pk}/")
    page.get_by_text("MARIA-REVIEW: tidy work, one day late.").wait_for()
    page.get_by_text("4.0 / 5 from 1 review").wait_for()
    page.get_by_text("Thanks Maria, sorry about the delay.").wait_for()
    shot(page, "3-profile")
