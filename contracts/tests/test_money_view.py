"""The contract page's money comes from the payments rows (contracts.money): after a real
dispute split, with a payout waiting for onboarding, and after "request changes"; the
payouts page and the API say the same."""

import re

import pytest
from django.urls import reverse

from contracts import services as lifecycle
from contracts.tests.factories import contract_for
from core.money import format_cents
from disputes import services as dispute_services
from disputes.tests.helpers import disputed, make_contract
from payments.models import Payment, Refund, Release
from payments.tests.helpers import onboard
from payments.tests.images import png_upload

pytestmark = pytest.mark.django_db

AMOUNT = 400_000  # $4,000.00; the homeowner paid $200.00 fee on it


def figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-testid="money-([a-z-]+)">([^<]+)<', html))


def timeline(html: str) -> str:
    block = html[html.index('class="money-timeline"'):]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block[:block.index("</ol>")]))


def page(client, user, contract) -> str:
    client.force_login(user)
    response = client.get(reverse("contracts:detail", args=[contract.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_after_a_dispute_split_the_page_equals_the_payments_rows(homeowner, contractor, staff_user, fake_stripe,
                                                                 deliver, client, api_as,
                                                                 django_capture_on_commit_callbacks):
    contract = make_contract(homeowner, contractor, milestones=[("Kitchen tiles", AMOUNT), ("Paint", 120_000)])
    dispute = disputed(contract, fake=fake_stripe, deliver=deliver)
    held = figures(page(client, homeowner, contract))
    assert held == {"paid": "$4,200.00", "in-escrow": "$4,000.00", "paid-out": "$0.00"}

    with django_capture_on_commit_callbacks(execute=True):
        dispute_services.dispute_resolve(actor=staff_user, dispute_id=dispute.pk, outcome="split",
                                         reason="A third of the tiles must be redone.",
                                         contractor_amount_cents=300_000)
    payment = Payment.objects.get(status="succeeded")
    release = Release.objects.get()
    refund = Refund.objects.get(kind="escrow")
    fee = Refund.objects.get(kind="fee")
    assert release.status == refund.status == fee.status == "succeeded"
    rows = {"paid": payment.total_cents, "in-escrow": 0, "paid-out": release.amount_cents,
            "refunded": refund.amount_cents, "fee-refunded": fee.amount_cents}
    assert rows == {"paid": 420_000, "in-escrow": 0, "paid-out": 300_000, "refunded": 100_000, "fee-refunded": 5_000}
    for user in (homeowner, contractor, staff_user):
        html = page(client, user, contract)
        assert figures(html) == {name: format_cents(cents) for name, cents in rows.items()}
        assert "Split by the dispute" in html and "Approved $" not in html
        moved = timeline(html)  # what moved, not the milestone's amount
        assert "Kitchen tiles funded · $4,000.00 + $200.00 platform fee" in moved
        assert "Kitchen tiles: decided in the dispute, for the contractor · $3,000.00" in moved
        assert "Kitchen tiles: refunded to the homeowner · $1,000.00" in moved
        assert "Kitchen tiles: platform fee refunded · $50.00" in moved

    client.force_login(contractor)
    payouts = client.get(reverse("payments:payouts")).content.decode()
    assert re.search(r'data-testid="released-total">\$3,000\.00<', payouts)
    assert re.search(r"In escrow for your open milestones</dt><dd>\$0\.00</dd>", payouts)

    api = api_as(homeowner).get(f"/api/v1/contracts/{contract.pk}/payments/").json()["money"]
    assert api["totals"] == {
        "paid_cents": 420_000, "fees_cents": 20_000, "funded_cents": AMOUNT, "in_escrow_cents": 0,
        "payout_pending_cents": 0, "payout_waiting_cents": 0, "paid_out_cents": 300_000, "refunded_cents": 100_000,
        "fee_refunded_cents": 5_000, "refund_pending_cents": 0}
    assert [m["state"] for m in api["milestones"]] == ["Split by the dispute", "Awaiting payment"]


def test_an_approval_waiting_for_payout_setup_says_so_everywhere(simulated, homeowner, contractor, client,
                                                                 django_capture_on_commit_callbacks):
    contract = contract_for(homeowner=homeowner, contractor=contractor)  # $300.00 + $700.00; no payout setup
    first = contract.milestones.get(position=1)
    lifecycle.milestone_fund(actor=homeowner, milestone_id=first.pk)
    lifecycle.milestone_submit(actor=contractor, milestone_id=first.pk, notes="Done", files=[png_upload()])
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.milestone_approve(actor=homeowner, milestone_id=first.pk)
    assert Release.objects.get().status == "waiting"

    for user in (homeowner, contractor):
        html = page(client, user, contract)
        badge = re.search(rf'id="milestone-{first.pk}".*?data-testid="milestone-badge">([^<]+)<', html, re.S)[1]
        assert badge == "Approved — payout waiting for the contractor’s payout setup"
        assert figures(html) == {"paid": "$315.00", "in-escrow": "$0.00", "payout-pending": "$300.00",
                                 "paid-out": "$0.00"}
        assert "stays in escrow" not in html and "Released:" not in html
        assert "$300.00 is approved and waits for" in html
    client.force_login(contractor)
    payouts = client.get(reverse("payments:payouts")).content.decode()
    assert re.search(r"Approved, on its way</dt><dd>\$300\.00</dd>", payouts)
    assert re.search(r"In escrow for your open milestones</dt><dd>\$0\.00</dd>", payouts)

    with django_capture_on_commit_callbacks(execute=True):
        onboard(contractor)  # payouts enabled: the waiting release goes out by itself
    html = page(client, homeowner, contract)
    assert "Released — paid out" in html and figures(html)["paid-out"] == "$300.00"
    assert "payout-pending" not in figures(html)


def test_changes_requested_are_at_the_top_of_the_milestone_for_both(simulated, homeowner, contractor, client):
    contract = contract_for(homeowner=homeowner, contractor=contractor)
    first = contract.milestones.get(position=1)
    lifecycle.milestone_fund(actor=homeowner, milestone_id=first.pk)
    lifecycle.milestone_submit(actor=contractor, milestone_id=first.pk, notes="Done", files=[png_upload()])
    lifecycle.milestone_request_changes(actor=homeowner, milestone_id=first.pk, note="Grout the corner tiles again.")
    for user, who, button in ((homeowner, "You asked", None), (contractor, "The homeowner asked", "Submit again")):
        html = page(client, user, contract)
        item = html[html.index(f'id="milestone-{first.pk}"'):]
        item = item[:item.index('<li class="milestone ')]  # up to the next milestone
        assert re.search(r'data-testid="milestone-badge">Changes requested<', item)
        note = item.index('data-testid="changes-requested"')
        assert note < item.index("<dl") and note < item.index("<details")  # on top, not collapsed
        assert who in item and "Grout the corner tiles again." in item[note:item.index("<details")]
        assert "Funded (in escrow)" not in item
        if button:
            assert button in item and "Make the requested changes, then submit again." in html


@pytest.mark.parametrize("state, words", [
    ("unfunded", "not funded yet"),
    ("submitted", "already submitted"),
    ("released", "approved: there is nothing more to submit"),
])
def test_submit_page_of_a_milestone_that_cannot_be_submitted(simulated, homeowner, contractor, client, state, words,
                                                             django_capture_on_commit_callbacks):
    onboard(contractor)
    contract = contract_for(homeowner=homeowner, contractor=contractor)
    milestone = contract.milestones.get(position=1)
    if state != "unfunded":
        lifecycle.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
        lifecycle.milestone_submit(actor=contractor, milestone_id=milestone.pk, notes="Done", files=[png_upload()])
    if state == "released":
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    client.force_login(contractor)
    url = reverse("contracts:milestone_submit", args=[milestone.pk])
    shown = client.get(url)
    html = shown.content.decode()
    assert shown.status_code == 200 and words in html
    assert "Submit for approval" not in html and 'type="file"' not in html
    assert f'href="{reverse("contracts:detail", args=[contract.pk])}"' in html
    before = milestone.submissions.count()
    refused = client.post(url, {"notes": "Again", "evidence": [png_upload()]})
    assert refused.status_code == 409 and words in refused.content.decode()
    assert milestone.submissions.count() == before
