"""Browser: the contract workspace end to end. The homeowner hires; the two message back and
forth with an attachment (htmx, no reload); the contractor proposes a change adding a
milestone (accepted) and another (declined); the homeowner funds the new milestone after a
confirmation, asks for changes once (badge and note on top for both) and releases it after a
confirmation; both dashboards show the right to-dos at each step, and the money summary
says what moved. Homeowner at 1280 px, contractor at 375 px; screenshots in test-artifacts/."""

import re

import pytest
from django.utils import timezone

from accounts.tests.factories import ContractorFactory, HomeownerFactory
from bids.models import Bid
from bids.tests.factories import BidFactory
from contracts.models import ChangeOrder, Contract
from core.tests.browser import log_in
from jobs.models import Job
from jobs.tests.factories import JobFactory, category
from messaging.models import Message
from payments.models import Release
from payments.tests.helpers import onboard
from payments.tests.images import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def todos(page) -> str:
    page.goto("/dashboard/")
    return page.locator("section[aria-labelledby=todo-heading]").inner_text()


def test_award_messages_change_orders_fund_release(page, browser, live_server, shot, settings, tmp_path):
    settings.PAYMENT_GATEWAY = "simulated"
    trade = category("carpentry")
    homeowner = HomeownerFactory(full_name="Maria Lopez", time_zone="America/Chicago")
    contractor = ContractorFactory(full_name="Sam Builder", profile__business_name="Hill Country Decks",
                                   time_zone="America/Chicago")
    loser = ContractorFactory(profile__business_name="Lakeside Carpentry")
    job = JobFactory(homeowner=homeowner, title="Rebuild the back deck", category=trade, status=Job.Status.REVIEWING,
                     bidding_closed_at=timezone.now())
    BidFactory(job=job, contractor=contractor, amount_cents=100_000, status=Bid.Status.ACTIVE,
               milestones=[("Frame and joists", 40_000), ("Decking and rails", 60_000)])
    BidFactory(job=job, contractor=loser, amount_cents=120_000, status=Bid.Status.ACTIVE,
               milestones=[("Everything", 120_000)])
    onboard(contractor)
    errors: list = []
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 812})
    context.set_default_timeout(15_000)
    phone = context.new_page()
    phone.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    phone.on("pageerror", lambda exc: errors.append(str(exc)))

    # --- Award ------------------------------------------------------------------------------
    log_in(page, homeowner)
    assert "Compare the bids on “Rebuild the back deck” and hire" in todos(page)
    page.goto(f"/jobs/{job.pk}/compare/")
    page.get_by_role("link", name="Hire Hill Country Decks").click()
    page.get_by_role("button", name="Hire and create contract").click()
    page.wait_for_url(re.compile(r"/contracts/[0-9a-f-]+/$"))
    contract = Contract.objects.get()
    url = f"/contracts/{contract.pk}/"
    page.get_by_text("there is no private channel").wait_for()  # the thread explains sealed bidding
    assert "Fund milestone 1 “Frame and joists” (Rebuild the back deck): $420.00" in todos(page)
    log_in(phone, contractor)
    assert "Nothing is waiting on you" in todos(phone)

    # --- Messages back and forth, with an attachment, without a reload ----------------------
    page.goto(url)
    page.get_by_label("Your message").fill("Can you start Monday at 8? Gate code is 4411. Photo of the old deck attached.")
    photo = tmp_path / "old-deck.png"
    photo.write_bytes(png_bytes())
    page.get_by_label("Attach photos or PDFs").set_input_files(str(photo))
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Send message").click()
    page.locator(".msg-mine").get_by_text("Gate code is 4411").wait_for()
    assert page.evaluate("window.__noReload") is True  # htmx swapped the thread in place
    assert page.get_by_label("Your message").input_value() == ""  # a fresh form for the next message
    shot(page, "1-message-sent-1280")

    assert "1 unread message about “Rebuild the back deck”" in todos(phone)
    phone.goto(url)
    phone.locator("#thread-list").get_by_text("Gate code is 4411").wait_for()
    link = phone.get_by_role("link", name="old-deck.png")
    response = phone.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    phone.get_by_label("Your message").fill("Monday 8am works. I'll bring the lumber list.")
    phone.get_by_role("button", name="Send message").click()
    phone.locator(".msg-mine").get_by_text("Monday 8am works").wait_for()
    shot(phone, "2-reply-375")
    assert "unread message" not in todos(phone)
    assert "1 unread message about “Rebuild the back deck”" in todos(page)
    page.goto(url)
    page.locator("#thread-list").get_by_text("Monday 8am works").wait_for()
    assert Message.objects.filter(contract=contract).count() == 2

    # --- A change order adding a milestone, accepted --------------------------------------
    phone.goto(url)
    phone.get_by_role("link", name="Propose a change").click()
    phone.get_by_label("New milestone 1 title").fill("Stain and seal")
    phone.get_by_label("New milestone 1 amount ($)").fill("250")
    phone.get_by_label("Why this change?").fill("You asked for the deck to be stained as well.")
    shot(phone, "3-propose-375")
    phone.get_by_role("button", name="Send the proposal").click()
    phone.get_by_text("Change proposed.").wait_for()
    assert "Nothing is waiting on you" in todos(phone)  # the answer is the homeowner's to give
    assert "proposed a change to “Rebuild the back deck”: accept or decline" in todos(page)
    page.get_by_role("link", name="Review the change").click()
    page.get_by_text("New total (was $1,000.00)").wait_for()
    assert "$1,250.00" in page.content() and "$12.50" in page.content()  # new total, fee of the new milestone
    shot(page, "4-review-change-1280")
    page.get_by_role("button", name="Accept the change").click()
    page.get_by_text("Change accepted.").wait_for()
    page.get_by_text("This is version 2 of the contract.").wait_for()
    assert page.get_by_role("heading", name="3. Stain and seal").is_visible()
    assert "Fund milestone 1 “Frame and joists” (Rebuild the back deck): $420.00" in todos(page)

    # --- A second change, declined ------------------------------------------------------------
    phone.goto(url)
    phone.get_by_role("link", name="Propose a change").click()
    phone.get_by_label("Milestone 2 amount ($)", exact=True).fill("700")
    phone.get_by_label("Why this change?").fill("Composite boards went up in price.")
    phone.get_by_role("button", name="Send the proposal").click()
    phone.get_by_text("Change proposed.").wait_for()
    page.goto(url)
    page.get_by_role("link", name="Review change 2").first.click()
    page.get_by_label("Why you decline (optional)").fill("Let's keep the agreed price.")
    page.get_by_role("button", name="Decline").click()
    page.get_by_text("Change declined.").wait_for()
    assert list(ChangeOrder.objects.order_by("number").values_list("status", flat=True)) == ["accepted", "declined"]
    contract.refresh_from_db()
    assert (contract.version, contract.total_cents) == (2, 125_000)
    assert "Nothing is waiting on you" in todos(phone)

    # --- Fund the new milestone after a confirmation ------------------------------------------
    page.goto(url)
    new = contract.milestones.get(position=3)
    page.locator(f"#milestone-{new.pk}").get_by_role("link", name="Fund $262.50").click()
    page.get_by_text("What happens when you confirm").wait_for()
    assert "$250.00" in page.content() and "$12.50" in page.content()
    shot(page, "5-fund-confirm-1280")
    page.get_by_role("button", name="Pay $262.50 into escrow").click()
    page.get_by_text("Milestone funded.").wait_for()
    assert page.get_by_test_id("money-in-escrow").inner_text() == "$250.00"
    assert page.get_by_test_id("money-paid").inner_text() == "$262.50"
    assert "Nothing is waiting on you" in todos(page)  # the next milestone is due once this one is done
    assert "Do the work and submit “Stain and seal”" in todos(phone)

    # The contractor submits from the phone; the homeowner asks for changes once.
    def submit_from_phone(text):
        phone.goto(url)
        phone.locator(f"#milestone-{new.pk}").get_by_role("link", name=re.compile("Submit")).click()
        phone.get_by_label("What did you finish?").fill(text)
        done = tmp_path / "stained.png"
        done.write_bytes(png_bytes(color=(120, 60, 20)))
        phone.get_by_label("Photos or documents").set_input_files(str(done))
        phone.get_by_role("button", name="Submit for approval").click()
        phone.get_by_text("Submitted. The homeowner").wait_for()

    submit_from_phone("Two coats of stain and sealer, all boards.")
    assert "Review the work on “Stain and seal”" in todos(page)
    assert "Nothing is waiting on you" in todos(phone)
    page.goto(url)
    milestone = page.locator(f"#milestone-{new.pk}")
    milestone.get_by_text("Request changes").click()
    milestone.get_by_label("What should change?").fill("The steps were missed: please stain them too.")
    milestone.get_by_role("button", name="Send to the contractor").click()
    page.get_by_text("Changes requested. The contractor").wait_for()
    assert milestone.get_by_test_id("milestone-badge").inner_text() == "Changes requested"
    assert "You asked for changes" in milestone.get_by_test_id("changes-requested").inner_text()
    assert "Changes requested on “Stain and seal” (Rebuild the back deck)" in todos(phone)
    phone.goto(url)
    mine = phone.locator(f"#milestone-{new.pk}")
    assert mine.get_by_test_id("milestone-badge").inner_text() == "Changes requested"
    note = mine.get_by_test_id("changes-requested")
    assert note.is_visible() and "please stain them too" in note.inner_text()  # on top, not folded away
    assert "Make the requested changes, then submit again." in phone.get_by_test_id("next-action").inner_text()
    shot(phone, "5b-changes-requested-375")
    submit_from_phone("Steps stained and sealed as well.")

    # --- Release after a confirmation -------------------------------------------------------
    assert "Review the work on “Stain and seal”" in todos(page)
    shot(page, "6-dashboard-review-1280")
    page.goto(url)
    page.locator(f"#milestone-{new.pk}").get_by_role("link", name="Approve and release $250.00").click()
    page.get_by_text("What happens when you confirm").wait_for()
    shot(page, "7-release-confirm-1280")
    page.get_by_role("button", name="Release $250.00 to the contractor").click()
    page.get_by_text("Released: $250.00 sent to the contractor").wait_for()
    assert page.get_by_test_id("money-paid-out").inner_text() == "$250.00"
    assert page.get_by_test_id("money-in-escrow").inner_text() == "$0.00"
    assert page.locator(f"#milestone-{new.pk}").get_by_test_id("milestone-badge").inner_text() == "Released — paid out"
    shot(page, "8-released-1280")
    assert Release.objects.get().amount_cents == 25_000
    assert "Fund milestone 1 “Frame and joists”" in todos(page)
    shot(page, "9-dashboard-1280")
    assert "Nothing is waiting on you" in todos(phone)
    shot(phone, "10-dashboard-375")
    phone.goto(url)
    assert phone.get_by_test_id("money-paid-out").inner_text() == "$250.00"
    shot(phone, "11-contract-375")
    context.close()
    assert not errors, errors
