"""Browser: a homeowner reports a contractor's message (asking to be paid outside the
platform) and their profile; staff, signed in with their TOTP code, suspend the contractor
from the admin queue after the confirmation page; the contractor's open bid is withdrawn and
the homeowner sees the notification. Screenshots at 1280 and 375 px."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ContractorFactory, HomeownerFactory, StaffFactory
from bids import services as bid_services
from bids.models import Bid
from contracts.tests.factories import contract_for
from core.tests.browser import both_widths, log_in
from jobs.tests.factories import JobFactory
from messaging import services as message_services
from moderation.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PITCH = "Send the deposit by Zelle and we both skip the platform fee."


def test_report_then_suspend_from_the_queue(page, shot):
    homeowner = HomeownerFactory(full_name="Maria Lopez")
    contractor = ContractorFactory(profile__business_name="Shady Siding")
    staff = StaffFactory(email="moderator@example.test")
    job = JobFactory(homeowner=homeowner, title="Replace the back fence")
    bid = bid_services.bid_place(actor=contractor, job=job, amount_cents=480_000, estimated_days=4,
                                 proposed_start=timezone.localdate() + timedelta(days=10))
    contract = contract_for(homeowner=homeowner, contractor=contractor, title="Re-side the garage")
    message_services.message_post(actor=contractor, contract_id=contract.pk, body=PITCH)

    # The homeowner reports the message from the contract thread.
    log_in(page, homeowner)
    page.goto(reverse("contracts:detail", args=[contract.pk]))
    page.get_by_text(PITCH).wait_for()
    page.get_by_role("link", name="Report message").click()
    page.get_by_role("heading", name=re.compile("Report a message")).wait_for()
    page.get_by_label("What is wrong?").select_option(label="Asks for payment off the platform")
    page.get_by_label("Details").fill("Wants the deposit by Zelle, outside the escrow.")
    both_widths(page, shot, "1-report-form")
    page.get_by_role("button", name="Send report").click()
    page.get_by_text("Thank you. Our moderators will look at it").wait_for()
    both_widths(page, shot, "2-reported")

    # ...and the contractor's profile.
    page.goto(reverse("directory:profile", args=[contractor.pk]))
    page.get_by_role("link", name="Report this profile").click()
    page.get_by_label("What is wrong?").select_option("fraud")
    page.get_by_role("button", name="Send report").click()
    page.get_by_text("Thank you. Our moderators will look at it").wait_for()
    assert Report.objects.filter(reporter=homeowner).count() == 2

    # Staff work the queue: the oldest report first, the message inline.
    log_in(page, staff)
    page.goto(reverse("admin:moderation_report_changelist"))
    page.get_by_text(PITCH).wait_for()
    both_widths(page, shot, "3-queue")
    page.get_by_role("link", name=PITCH).click()
    page.get_by_text("Wants the deposit by Zelle, outside the escrow.").wait_for()
    both_widths(page, shot, "3b-review")
    page.locator("#id_suspend-reason").fill("Asked a homeowner to pay outside FairTradeWorker.")
    page.get_by_role("button", name="Suspend…").click()
    page.get_by_text("This withdraws 1 open bid").wait_for()
    assert page.get_by_text("Replace the back fence").count() >= 1
    both_widths(page, shot, "4-confirm-suspend")
    assert Bid.objects.get(pk=bid.pk).status == "active"  # nothing happens before the confirmation
    page.get_by_role("button", name="Suspend and withdraw 1 bid").click()
    page.get_by_text("is suspended; 1 open bid withdrawn").wait_for()
    assert Bid.objects.get(pk=bid.pk).status == "withdrawn"

    # The homeowner is told a bid on their job was withdrawn (not whose, not how much).
    log_in(page, homeowner)
    page.goto(reverse("notifications:list"))
    withdrawn = page.locator("li.notif", has_text="A bid on “Replace the back fence” was withdrawn")
    withdrawn.wait_for()
    text = withdrawn.inner_text()
    assert "You now have 0 live bids" in text and "Shady Siding" not in text and "4,800" not in text
    both_widths(page, shot, "5-homeowner-notified")

    # The contractor sees why, and no longer has a live bid.
    log_in(page, contractor)
    page.goto(reverse("bids:mine"))
    page.get_by_text("Your account is suspended:").first.wait_for()
    both_widths(page, shot, "6-contractor-suspended")
    assert not Bid.objects.filter(contractor=contractor, status="active").exists()


def test_removed_content_as_its_author_sees_it(page, shot):
    """After moderators remove a job's question and a message: the asker sees the reason in
    place of the question; the homeowner's job page and thread read cleanly without them."""
    from jobs import services as job_services
    from moderation import services as moderation

    homeowner = HomeownerFactory(full_name="Maria Lopez")
    asker = ContractorFactory(profile__business_name="Curious Carpentry")
    staff = StaffFactory()
    job = JobFactory(homeowner=homeowner, title="Build a cedar deck")
    question = job_services.question_ask(actor=asker, job=job, body="Can we settle this by Venmo instead?")
    job_services.question_ask(actor=asker, job=job, body="Is the ground level?")
    moderation.content_hide(actor=staff, target_kind="question", target_id=question.pk,
                            reason="Payment is arranged through FairTradeWorker only.")

    log_in(page, asker)
    page.goto(reverse("jobs:detail", args=[job.pk]) + "#questions")
    page.get_by_text("Your question was removed by moderators:").wait_for()
    assert page.get_by_text("Can we settle this by Venmo instead?").count() == 0
    both_widths(page, shot, "1-asker-sees-removal")

    log_in(page, homeowner)
    page.goto(reverse("jobs:detail", args=[job.pk]))
    page.get_by_text("Is the ground level?").wait_for()
    assert page.get_by_text("Venmo").count() == 0 and page.get_by_text("removed by moderators").count() == 0
    page.get_by_role("link", name="Report question").first.wait_for()
    both_widths(page, shot, "2-owner-job-page")
