"""The exact requests we send Stripe, and what its answers do to our rows and ledger."""

import pytest

from contracts import services as contract_services
from payments import ledger, services
from payments.models import LedgerTransaction, MilestoneEscrow, Payment, Refund, Release

from .helpers import assert_books_balanced, fund_via_checkout, onboard, submit

pytestmark = pytest.mark.django_db


def test_checkout_session_request(fake_stripe, contract, homeowner):
    milestone = contract.milestones.get(position=1)
    payment = contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)

    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    p = call.params
    assert call.idempotency_key == f"fund-{payment.pk}"
    assert p["mode"] == "payment"
    assert p["payment_intent_data"]["transfer_group"] == f"contract-{contract.pk}"
    assert p["payment_intent_data"]["metadata"]["payment_id"] == str(payment.pk)
    assert p["metadata"] == {"payment_id": str(payment.pk), "milestone_id": str(milestone.pk),
                             "contract_id": str(contract.pk), "homeowner_id": str(homeowner.pk)}
    assert p["client_reference_id"] == str(payment.pk)
    assert p["customer_email"] == homeowner.email
    milestone_line, fee_line = p["line_items"]
    assert milestone_line["price_data"] == {"currency": "usd", "unit_amount": "30000",
                                            "product_data": {"name": "Milestone 1: Materials and rough-in"}}
    assert fee_line["price_data"]["unit_amount"] == "1500"  # 5% of $300.00
    assert fee_line["price_data"]["product_data"]["name"] == "Platform fee (5%)"
    assert p["success_url"].endswith(f"/payments/{payment.pk}/return/?session_id={{CHECKOUT_SESSION_ID}}")
    assert payment.status == Payment.Status.PENDING
    assert payment.checkout_url.startswith("https://checkout.stripe.com/")
    milestone.refresh_from_db()
    assert milestone.status == "unfunded"  # only the webhook funds it


def test_fee_rounds_half_up_and_is_shown(fake_stripe, homeowner, contractor):
    from contracts.tests.factories import contract_for

    contract = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("Only", 1010)])
    payment = contract_services.milestone_fund(actor=homeowner, milestone_id=contract.milestones.get().pk)
    assert (payment.amount_cents, payment.fee_cents, payment.total_cents) == (1010, 51, 1061)
    [call] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert [line["price_data"]["unit_amount"] for line in call.params["line_items"]] == ["1010", "51"]


def test_funding_twice_reuses_the_open_checkout(fake_stripe, contract, homeowner):
    milestone = contract.milestones.get(position=1)
    first = contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    second = contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    assert first.pk == second.pk and first.checkout_url == second.checkout_url
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 1
    assert Payment.objects.filter(milestone=milestone).count() == 1


def test_webhook_funds_and_books_the_ledger(fake_stripe, deliver, contract, homeowner):
    milestone = contract.milestones.get(position=1)
    payment, _ = fund_via_checkout(fake_stripe, deliver, milestone, homeowner)
    milestone.refresh_from_db()
    contract.refresh_from_db()
    assert payment.status == "succeeded" and milestone.status == "funded" and contract.status == "active"
    assert MilestoneEscrow.objects.get(milestone=milestone).held_cents == 30_000
    tx = LedgerTransaction.objects.get(kind="funding")
    assert sorted((e.account, e.amount_cents) for e in tx.entries.all()) == sorted([
        ("stripe:balance", 31_500), (f"escrow:milestone:{milestone.pk}", -30_000), ("platform:fees", -1_500)])
    assert_books_balanced()


def test_release_transfer_request(fake_stripe, deliver, contract, homeowner, contractor,
                                  django_capture_on_commit_callbacks):
    account = onboard(contractor, fake_stripe)
    milestone = contract.milestones.get(position=1)
    payment, _ = fund_via_checkout(fake_stripe, deliver, milestone, homeowner)
    submit(milestone, contractor)
    with django_capture_on_commit_callbacks(execute=True):
        release = contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)

    [call] = fake_stripe.calls("POST", "/v1/transfers")
    assert call.idempotency_key == f"release-{release.pk}"
    charge_id = fake_stripe.objects[payment.payment_intent_id]["latest_charge"]
    assert call.params == {
        "amount": "30000", "currency": "usd", "destination": account.account_id, "source_transaction": charge_id,
        "transfer_group": f"contract-{contract.pk}",
        "metadata": {"release_id": str(release.pk), "milestone_id": str(milestone.pk), "contract_id": str(contract.pk)},
    }
    release.refresh_from_db()
    assert release.status == "succeeded" and release.transfer_id.startswith("tr_")
    escrow = MilestoneEscrow.objects.get(milestone=milestone)
    assert (escrow.held_cents, escrow.reserved_cents, escrow.released_cents) == (0, 0, 30_000)
    assert ledger.balance(ledger.contractor_payable(contractor.pk)) == 0
    assert ledger.balance(ledger.STRIPE_BALANCE) == 1_500  # only the fee stays with us
    assert_books_balanced()


def test_refund_request_full_and_partial(fake_stripe, deliver, contract, homeowner, django_capture_on_commit_callbacks):
    milestone = contract.milestones.get(position=2)
    payment, _ = fund_via_checkout(fake_stripe, deliver, milestone, homeowner)
    with django_capture_on_commit_callbacks(execute=True):
        partial = services.refund_create(milestone=milestone, amount_cents=20_000, reason="split")
    with django_capture_on_commit_callbacks(execute=True):
        rest = services.refund_create(milestone=milestone, amount_cents=50_000, reason="rest")
    calls = fake_stripe.calls("POST", "/v1/refunds")
    assert [(c.idempotency_key, c.params["amount"], c.params["payment_intent"]) for c in calls] == [
        (f"refund-{partial.pk}", "20000", payment.payment_intent_id),
        (f"refund-{rest.pk}", "50000", payment.payment_intent_id)]
    assert calls[0].params["metadata"] == {"refund_id": str(partial.pk), "milestone_id": str(milestone.pk),
                                          "kind": "escrow"}
    assert set(Refund.objects.values_list("status", flat=True)) == {"succeeded"}
    escrow = MilestoneEscrow.objects.get(milestone=milestone)
    assert (escrow.held_cents, escrow.refunded_cents) == (0, 70_000)
    assert ledger.balance(ledger.homeowner_refunds(homeowner.pk)) == 0
    assert_books_balanced()


def test_refund_beyond_escrow_is_refused(fake_stripe, deliver, contract, homeowner):
    from core.exceptions import InvalidState

    milestone = contract.milestones.get(position=1)
    fund_via_checkout(fake_stripe, deliver, milestone, homeowner)
    services.refund_create(milestone=milestone, amount_cents=20_000, reason="part")
    with pytest.raises(InvalidState):
        services.refund_create(milestone=milestone, amount_cents=10_001, reason="too much")
    assert Refund.objects.count() == 1


def test_express_account_and_onboarding_link(fake_stripe, contractor):
    url = services.onboarding_link(actor=contractor)
    [create] = fake_stripe.calls("POST", "/v1/accounts")
    assert create.idempotency_key == f"account-{contractor.pk}"
    assert create.params["type"] == "express"
    assert create.params["capabilities"] == {"transfers": {"requested": "true"}}
    assert create.params["metadata"] == {"user_id": str(contractor.pk)}
    [link] = fake_stripe.calls("POST", "/v1/account_links")
    account = contractor.payout_account
    assert link.params["account"] == account.account_id
    assert link.params["type"] == "account_onboarding"
    assert link.params["return_url"].endswith("/payouts/?onboarding=returned")
    assert link.params["refresh_url"].endswith("/payouts/onboarding/refresh/")
    assert url.startswith("https://connect.stripe.com/")
    assert not account.payouts_enabled and "external_account" in account.requirements_due
    # A second link reuses the account.
    services.onboarding_link(actor=contractor)
    assert len(fake_stripe.calls("POST", "/v1/accounts")) == 1


def test_release_waits_for_payouts_then_goes_by_itself(fake_stripe, deliver, contract, homeowner, contractor,
                                                       django_capture_on_commit_callbacks):
    account = services.payout_account_ensure(actor=contractor)  # onboarding not finished
    milestone = contract.milestones.get(position=1)
    fund_via_checkout(fake_stripe, deliver, milestone, homeowner)
    submit(milestone, contractor)
    with django_capture_on_commit_callbacks(execute=True):
        release = contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    release.refresh_from_db()
    assert release.status == Release.Status.WAITING
    assert fake_stripe.calls("POST", "/v1/transfers") == []
    assert MilestoneEscrow.objects.get(milestone=milestone).held_cents == 30_000  # funds stay in escrow
    from notifications.models import Notification

    assert Notification.objects.filter(recipient=contractor, event="payout.onboarding_needed").exists()

    fake_stripe.finish_onboarding(account.account_id)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(fake_stripe.event("account.updated", fake_stripe.objects[account.account_id])).status_code == 200
    release.refresh_from_db()
    assert release.status == "succeeded"
    assert len(fake_stripe.calls("POST", "/v1/transfers")) == 1
    assert_books_balanced()
