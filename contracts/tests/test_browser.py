"""Browser: the homeowner funds a milestone (simulated), the contractor submits evidence
with a photo, the homeowner approves; both see the released state and the receipt. And the
money of a contract after a dispute split and a payout waiting for the contractor's setup."""

import re

import pytest

from accounts.tests.factories import ContractorFactory, HomeownerFactory, StaffFactory
from contracts import services as lifecycle
from contracts.tests.factories import contract_for
from core.tests.browser import log_in, new_page
from disputes import services as dispute_services
from disputes.tests.helpers import disputed
from payments.models import Release
from payments.tests.helpers import onboard
from payments.tests.images import png_bytes, png_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fund_submit_approve_release(page, settings, shot, tmp_path):
    settings.PAYMENT_GATEWAY = "simulated"
    homeowner = HomeownerFactory(full_name="Maria Lopez")
    contractor = ContractorFactory(profile__business_name="Austin Pipe Pros")
    onboard(contractor)
    contract = contract_for(homeowner=homeowner, contractor=contractor, title="Replace leaking water heater")
    url = f"/contracts/{contract.pk}/"

    # The homeowner funds milestone 1: amount + fee shown before paying.
    log_in(page, homeowner)
    page.goto(url)
    page.get_by_text("Your next step:").wait_for()
    shot(page, "1-homeowner-before-funding")
    page.get_by_role("link", name="Fund $315.00").click()
    page.get_by_text("What happens when you confirm").wait_for()
    page.get_by_role("button", name="Pay $315.00 into escrow").click()
    page.get_by_text("Milestone funded.").wait_for()
    assert page.get_by_text("Paid $315.00").is_visible()
    shot(page, "2-homeowner-funded")

    # The contractor submits completion with a photo.
    log_in(page, contractor)
    page.goto(url)
    page.get_by_role("link", name="Submit completion").click()
    page.get_by_label("What did you finish?").fill("New 50-gallon heater installed, old one hauled away.")
    photo = tmp_path / "installed-heater.png"
    photo.write_bytes(png_bytes())
    page.get_by_label("Photos or documents").set_input_files(str(photo))
    page.get_by_text("installed-heater.png").wait_for()  # payments.js lists the chosen file
    shot(page, "3-contractor-submit")
    page.get_by_role("button", name="Submit for approval").click()
    page.get_by_text("Submitted. The homeowner").wait_for()

    # The homeowner sees the evidence and approves.
    log_in(page, homeowner)
    page.goto(url)
    evidence = page.get_by_alt_text(re.compile("Evidence photo 1"))
    evidence.wait_for()
    assert page.evaluate("img => img.naturalWidth", evidence.element_handle()) > 0  # the private file loads
    shot(page, "4-homeowner-review")
    page.get_by_role("link", name="Approve and release $300.00").click()
    page.get_by_text("What happens when you confirm").wait_for()
    page.get_by_role("button", name="Release $300.00 to the contractor").click()
    page.get_by_text("Released: $300.00 sent to the contractor").wait_for()
    shot(page, "5-homeowner-released")
    assert Release.objects.get().status == "succeeded"

    # Both see the receipt.
    page.get_by_role("link", name="Receipt").first.click()
    page.get_by_role("heading", name="Receipt").wait_for()
    assert page.get_by_test_id("receipt-total").inner_text() == "$315.00"
    assert page.get_by_test_id("receipt-milestone-status").inner_text() == "Released"
    shot(page, "6-receipt")

    log_in(page, contractor)
    page.goto(url)
    page.get_by_text("Released: $300.00 sent to the contractor").wait_for()
    page.get_by_role("link", name="Receipt").first.click()
    page.get_by_role("heading", name="Receipt").wait_for()
    page.goto("/payouts/")
    assert page.get_by_test_id("released-total").inner_text() == "$300.00"
    shot(page, "7-contractor-payouts")

    # Small screens: the contract page still works at 360 px.
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(url)
    shot(page, "8-contractor-contract-360")

    # The submit page of the released milestone says so, with the way back; no form.
    page.goto(f"/milestones/{contract.milestones.get(position=1).pk}/submit/")
    page.get_by_test_id("submit-closed").get_by_text("nothing more to submit").wait_for()
    assert page.get_by_role("button", name="Submit for approval").count() == 0
    assert page.get_by_role("link", name="Back to the contract", exact=True).get_attribute("href") == url
    shot(page, "9-submit-closed-360")


def test_money_after_a_split_and_a_payout_waiting_for_setup(page, browser, live_server, settings, shot):
    """Set up through the services: milestone 1 settled by a dispute split, milestone 2
    approved while the contractor has no payout setup. Both people read the same money."""
    settings.PAYMENT_GATEWAY = "simulated"
    homeowner = HomeownerFactory(full_name="Maria Lopez", time_zone="America/Chicago")
    contractor = ContractorFactory(profile__business_name="Austin Pipe Pros", time_zone="America/Chicago")
    staff = StaffFactory()
    contract = contract_for(homeowner=homeowner, contractor=contractor, title="Kitchen remodel",
                            milestones=[("Tiles", 400_000), ("Cabinets", 300_000)])
    dispute = disputed(contract, onboarded=False)
    dispute_services.dispute_resolve(actor=staff, dispute_id=dispute.pk, outcome="split",
                                     reason="A third of the tiles must be redone.", contractor_amount_cents=300_000)
    second = contract.milestones.get(position=2)
    lifecycle.milestone_fund(actor=homeowner, milestone_id=second.pk)
    lifecycle.milestone_submit(actor=contractor, milestone_id=second.pk, notes="Cabinets hung", files=[png_upload()])
    lifecycle.milestone_approve(actor=homeowner, milestone_id=second.pk)
    url = f"/contracts/{contract.pk}/"

    log_in(page, homeowner)
    page.goto(url)
    assert page.get_by_test_id("money-paid").inner_text() == "$7,350.00"
    assert page.get_by_test_id("money-in-escrow").inner_text() == "$0.00"
    assert page.get_by_test_id("money-payout-pending").inner_text() == "$6,000.00"  # split share + cabinets
    assert page.get_by_test_id("money-refunded").inner_text() == "$1,000.00"
    assert page.get_by_test_id("money-fee-refunded").inner_text() == "$50.00"
    badges = page.get_by_test_id("milestone-badge").all_inner_texts()
    assert badges == ["Split by the dispute — payout waiting for the contractor’s payout setup",
                      "Approved — payout waiting for the contractor’s payout setup"]
    assert "stays in escrow" not in page.content()
    shot(page, "1-homeowner-split-and-waiting-1280")

    errors: list = []
    phone = new_page(browser, live_server, errors, width=375)
    log_in(phone, contractor)
    phone.goto(url)
    assert phone.get_by_test_id("money-payout-pending").inner_text() == "$6,000.00"
    phone.get_by_test_id("payout-waiting").get_by_role("link", name="payout setup").wait_for()
    shot(phone, "2-contractor-split-and-waiting-375")
    phone.goto("/payouts/")
    assert "$6,000.00 is approved and waiting for your payout setup." in phone.content()
    shot(phone, "3-contractor-payouts-375")
    assert not errors, errors
