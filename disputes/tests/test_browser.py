"""Browser: (1) the homeowner disputes from the contract page, the contractor answers and
offers a split, the homeowner accepts and the money splits; (2) a dispute is escalated and
staff decide it in the admin."""

import re

import pytest

from accounts.tests.factories import ContractorFactory, HomeownerFactory, StaffFactory
from contracts.tests.factories import contract_for
from core.tests.browser import log_in, new_page
from disputes.models import Dispute
from payments.models import MilestoneEscrow, Refund, Release
from payments.tests.helpers import assert_books_balanced

from .helpers import fund, onboard, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def submitted(settings):
    from jobs.models import Category

    settings.PAYMENT_GATEWAY = "simulated"
    # Transactional tests flush the categories that migration jobs/0001 seeds.
    Category.objects.get_or_create(slug="plumbing", defaults={"name": "Plumbing"})
    homeowner = HomeownerFactory(full_name="Maria Lopez")
    contractor = ContractorFactory(full_name="Sam Builder")
    contract = contract_for(homeowner=homeowner, contractor=contractor, title="Retile the bathroom floor",
                            milestones=[("Tiles laid and grouted", 30_000)])
    milestone = fund(contract.milestones.get(), homeowner)
    onboard(contractor)
    submit(milestone, contractor)
    return contract


def test_dispute_answer_offer_accept_splits_money(page, browser, live_server, shot, submitted):
    contract = submitted
    log_in(page, contract.homeowner)
    page.goto(f"/contracts/{contract.pk}/")
    page.get_by_role("link", name="Dispute milestone 1").click()
    page.get_by_label("Quality of the work").check()
    page.get_by_label("Description").fill("Three tiles are cracked and the grout is uneven by the door.")
    page.get_by_label("Refund you ask for ($)").fill("150")
    shot(page, "1-open")
    page.get_by_role("button", name="Open dispute").click()
    page.get_by_text("Dispute opened.").wait_for()
    page.get_by_text("Response due").wait_for()
    assert "left" in page.locator("time[data-countdown]").inner_text()
    shot(page, "2-opened")

    errors = []
    other = new_page(browser, live_server, errors, width=360)
    log_in(other, contract.contractor)
    dispute = Dispute.objects.get()
    other.goto(f"/disputes/{dispute.pk}/")
    other.get_by_label("Your message").fill("Two tiles cracked after I left; I can replace them or split.")
    other.get_by_role("button", name="Send message").click()
    other.get_by_text("Message sent.").wait_for()
    other.get_by_text("Negotiation ends").wait_for()
    other.get_by_label("Contractor receives ($)").fill("200")
    other.get_by_role("button", name="Send offer").click()
    other.get_by_text("Offer sent: $200.00 to the contractor, $100.00 back to the homeowner.").wait_for()
    shot(other, "3-contractor-mobile")

    page.reload()
    page.get_by_role("heading", name=re.compile(r"^Offer from ")).wait_for()
    page.get_by_role("link", name="Accept offer…").click()
    page.get_by_text("Platform fee refunded").wait_for()  # the confirmation states the amounts
    assert "$200.00" in page.content() and "$100.00" in page.content()
    page.get_by_role("button", name="Accept and settle").click()
    page.get_by_text("Offer accepted.").wait_for()
    page.get_by_text("Settled by an accepted offer").wait_for()
    shot(page, "4-resolved")
    assert not errors, errors

    dispute.refresh_from_db()
    assert (dispute.status, dispute.outcome) == ("resolved", "split")
    assert Release.objects.get().amount_cents == 20_000 and Release.objects.get().status == "succeeded"
    escrow_refund, fee_refund = Refund.objects.get(kind="escrow"), Refund.objects.get(kind="fee")
    assert escrow_refund.amount_cents == 10_000 and escrow_refund.status == "succeeded"
    assert fee_refund.amount_cents == 500 and fee_refund.status == "succeeded"
    assert MilestoneEscrow.objects.get().held_cents == 0
    contract.refresh_from_db()
    assert contract.status == "completed"
    assert_books_balanced()


def test_escalated_dispute_decided_by_staff_in_admin(page, browser, live_server, shot, submitted):
    contract = submitted
    from disputes import services

    dispute = services.dispute_open(actor=contract.homeowner, milestone_id=contract.milestones.get().pk,
                                    reason="incomplete", description="The grout was never finished.",
                                    requested_refund_cents=30_000)
    errors = []
    party = new_page(browser, live_server, errors, width=360)
    log_in(party, contract.contractor)
    party.goto(f"/disputes/{dispute.pk}/")
    party.get_by_role("button", name="Ask staff to decide now").click()
    party.get_by_text("Escalated. Our staff will review both sides and decide.").wait_for()
    assert not errors, errors

    staff = StaffFactory()
    log_in(page, staff)
    # (The changelist and its filters are covered by test_admin_and_pages; Django's own admin
    # pages carry no favicon link, which the console-error check would trip on.)
    page.goto(f"/admin/disputes/dispute/{dispute.pk}/change/")
    page.get_by_text("Completion submissions (contractor's evidence)").wait_for()
    page.get_by_label("Internal note").fill("Photos show grout missing along the tub.")
    page.get_by_role("button", name="Add note").click()
    page.get_by_text("Internal note added.").wait_for()
    page.get_by_label("Refunded to the homeowner").check()
    page.get_by_label("Reason").fill("The photos show the grout was never finished; full refund.")
    shot(page, "1-admin")
    page.get_by_role("button", name="Decide and move the money").click()
    page.get_by_text("Homeowner is refunded").wait_for()
    assert "$300.00" in page.content() and "$15.00 of platform fee" in page.content()
    shot(page, "1b-confirm")
    page.get_by_role("button", name="Confirm and move the money").click()
    page.get_by_text("Decided. The money moves through escrow now").wait_for()
    shot(page, "2-decided")

    dispute.refresh_from_db()
    assert (dispute.status, dispute.outcome, dispute.resolved_by) == ("resolved", "refund", staff)
    assert Refund.objects.get(kind="escrow").amount_cents == 30_000
    assert Refund.objects.get(kind="fee").amount_cents == 1_500
    assert not Release.objects.exists()
    party.goto(f"/disputes/{dispute.pk}/")
    party.get_by_text("The photos show the grout was never finished; full refund.").wait_for()
    assert "Photos show grout missing" not in party.content()  # internal notes stay internal
    assert_books_balanced()
