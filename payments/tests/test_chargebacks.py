"""Card disputes and refunds made outside our code, against the fake Stripe (HTTP layer)
with signed webhooks: what each books, what it freezes, who is told, and that after each
step every ledger transaction balances, the ledger's Stripe balance equals Stripe's own
balance history, and `reconcile` (with Stripe) says so."""

import pytest
from django.urls import reverse

from contracts import services as contract_services
from core.exceptions import InvalidState
from payments import ledger, services
from payments.models import Chargeback, MilestoneEscrow, Refund, Release

from .helpers import assert_books_balanced, fund_via_checkout, onboard, submit

pytestmark = pytest.mark.django_db

AMOUNT, FEE = 30_000, 1_500  # milestone 1 of the default contract; the homeowner paid 31_500


@pytest.fixture
def alerts(monkeypatch):
    captured = []
    monkeypatch.setattr("payments.alerts.sentry_sdk.capture_message",
                        lambda message, **k: captured.append((message, k.get("extras", {}))))
    return captured


@pytest.fixture
def funded(fake_stripe, deliver, contract, homeowner, contractor):
    onboard(contractor, fake_stripe)
    milestone = contract.milestones.get(position=1)
    payment, _ = fund_via_checkout(fake_stripe, deliver, milestone, homeowner,
                                   events=("checkout.session.completed", "payment_intent.succeeded"))
    submit(milestone, contractor)
    return milestone, payment


@pytest.fixture
def released(funded, homeowner, django_capture_on_commit_callbacks):
    milestone, payment = funded
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    assert Release.objects.get(milestone=milestone).status == "succeeded"
    return milestone, payment


def send(fake, deliver, kind, dispute_id):
    response = deliver(fake.event(kind, fake.objects[dispute_id]))
    assert response.status_code == 200, response.content
    return response


def truthful(fake):
    """Books balanced, equal to Stripe's balance, and reconcile finds nothing."""
    assert_books_balanced(fake)
    run = services.reconcile()
    assert run.remote_checked and run.ok, run.differences
    return run


def escrow(milestone):
    return MilestoneEscrow.objects.get(milestone=milestone)


# --- a milestone still in escrow ---------------------------------------------------------------
def test_opened_freezes_escrow_and_tells_staff_what_is_at_stake(fake_stripe, deliver, funded, homeowner, alerts):
    milestone, payment = funded
    dispute = fake_stripe.open_dispute(payment.charge_id, withdraw=False)
    send(fake_stripe, deliver, "charge.dispute.created", dispute["id"])
    chargeback = Chargeback.objects.get()
    assert (chargeback.outcome, chargeback.amount_cents, chargeback.escrow_frozen_cents) == ("open", 31_500, AMOUNT)
    assert chargeback.evidence_due_by is not None
    payment.refresh_from_db()
    assert payment.disputed_at is not None
    assert escrow(milestone).frozen and dispute["id"] in escrow(milestone).frozen_reason
    message, extras = alerts[-1]
    assert "card dispute" in message
    assert extras["disputed"] == "31500" and extras["escrow_frozen"] == str(AMOUNT) and extras["already_released"] == "0"
    with pytest.raises(InvalidState, match="frozen"):
        contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    truthful(fake_stripe)


def test_funds_withdrawn_then_lost_takes_escrow_then_fee(fake_stripe, deliver, funded, homeowner, alerts):
    milestone, payment = funded
    dispute = fake_stripe.open_dispute(payment.charge_id, withdraw=False)
    send(fake_stripe, deliver, "charge.dispute.created", dispute["id"])
    before = ledger.balance(ledger.STRIPE_BALANCE)
    fake_stripe.withdraw_dispute_funds(dispute["id"])
    send(fake_stripe, deliver, "charge.dispute.funds_withdrawn", dispute["id"])
    assert ledger.balance(ledger.STRIPE_BALANCE) == before - 31_500 - 1_500
    assert ledger.balance(ledger.PLATFORM_CHARGEBACKS) == 31_500
    assert ledger.balance(ledger.PLATFORM_DISPUTE_FEES) == 1_500
    assert escrow(milestone).held_cents == AMOUNT  # the bank has not decided yet
    truthful(fake_stripe)

    fake_stripe.close_dispute(dispute["id"], won=False)
    send(fake_stripe, deliver, "charge.dispute.closed", dispute["id"])
    chargeback = Chargeback.objects.get()
    assert (chargeback.outcome, chargeback.lost_from_escrow_cents, chargeback.lost_from_fees_cents,
            chargeback.loss_cents) == ("lost", AMOUNT, FEE, 0)
    assert escrow(milestone).held_cents == 0 and not escrow(milestone).frozen
    assert ledger.balance(ledger.PLATFORM_CHARGEBACKS) == 0 and ledger.balance(ledger.PLATFORM_FEES) == 0
    assert ledger.balance(ledger.PLATFORM_LOSSES) == 0  # the homeowner's own escrow went back
    assert any("was lost" in message for message, _ in alerts)
    with pytest.raises(InvalidState):
        contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)  # nothing left to release
    assert not Release.objects.exists()
    truthful(fake_stripe)


def test_won_reverses_the_booking_and_the_release_goes_through(fake_stripe, deliver, funded, homeowner,
                                                                django_capture_on_commit_callbacks):
    milestone, payment = funded
    start = ledger.balance(ledger.STRIPE_BALANCE)
    dispute = fake_stripe.open_dispute(payment.charge_id)
    for kind in ("charge.dispute.created", "charge.dispute.funds_withdrawn"):
        send(fake_stripe, deliver, kind, dispute["id"])
    truthful(fake_stripe)
    fake_stripe.close_dispute(dispute["id"], won=True)
    for kind in ("charge.dispute.funds_reinstated", "charge.dispute.closed"):
        send(fake_stripe, deliver, kind, dispute["id"])
    chargeback = Chargeback.objects.get()
    assert (chargeback.outcome, chargeback.withdrawn_cents, chargeback.reinstated_cents, chargeback.fees_cents) == (
        "won", 31_500, 31_500, 0)
    assert ledger.balance(ledger.STRIPE_BALANCE) == start
    assert ledger.balance(ledger.PLATFORM_CHARGEBACKS) == ledger.balance(ledger.PLATFORM_DISPUTE_FEES) == 0
    assert not escrow(milestone).frozen
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    assert Release.objects.get(milestone=milestone).status == "succeeded"
    truthful(fake_stripe)


def test_release_queued_before_the_dispute_is_held_then_sent_when_won(fake_stripe, deliver, contract, homeowner,
                                                                        contractor, django_capture_on_commit_callbacks):
    milestone = contract.milestones.get(position=1)
    payment, _ = fund_via_checkout(fake_stripe, deliver, milestone, homeowner)  # no charge id known to us yet
    submit(milestone, contractor)
    with django_capture_on_commit_callbacks(execute=True):
        release = contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    assert Release.objects.get(pk=release.pk).status == "waiting"  # no payout account yet
    dispute = fake_stripe.open_dispute(fake_stripe.objects[payment.payment_intent_id]["latest_charge"])
    send(fake_stripe, deliver, "charge.dispute.created", dispute["id"])  # matched by its PaymentIntent
    assert escrow(milestone).frozen  # the escrow still held the money
    with django_capture_on_commit_callbacks(execute=True):
        account = onboard(contractor, fake_stripe)
        deliver(fake_stripe.event("account.updated", fake_stripe.objects[account.account_id]))
    release.refresh_from_db()
    assert release.status == "held" and "card dispute" in release.last_error
    assert fake_stripe.calls("POST", "/v1/transfers") == []
    fake_stripe.close_dispute(dispute["id"], won=True)
    with django_capture_on_commit_callbacks(execute=True):
        send(fake_stripe, deliver, "charge.dispute.closed", dispute["id"])
    release.refresh_from_db()
    assert release.status == "succeeded" and len(fake_stripe.calls("POST", "/v1/transfers")) == 1
    truthful(fake_stripe)


# --- a milestone already released ---------------------------------------------------------------
def test_lost_after_release_is_a_platform_loss_recovered_from_later_payouts(
        fake_stripe, deliver, released, contract, homeowner, contractor, staff_user, client,
        django_capture_on_commit_callbacks):
    milestone, payment = released
    dispute = fake_stripe.open_dispute(payment.charge_id)
    send(fake_stripe, deliver, "charge.dispute.created", dispute["id"])
    assert not escrow(milestone).frozen  # nothing left in it to freeze
    assert Chargeback.objects.get().released_before_cents == AMOUNT
    fake_stripe.close_dispute(dispute["id"], won=False)
    send(fake_stripe, deliver, "charge.dispute.closed", dispute["id"])  # carries the withdrawal too
    chargeback = Chargeback.objects.get()
    assert (chargeback.lost_from_escrow_cents, chargeback.lost_from_fees_cents, chargeback.loss_cents) == (0, FEE, AMOUNT)
    assert ledger.balance(ledger.PLATFORM_LOSSES) == AMOUNT
    truthful(fake_stripe)

    services.chargeback_recovery_start(actor=staff_user, chargeback_id=chargeback.pk)
    second = contract.milestones.get(position=2)
    fund_via_checkout(fake_stripe, deliver, second, homeowner)
    submit(second, contractor)
    with django_capture_on_commit_callbacks(execute=True):
        release = contract_services.milestone_approve(actor=homeowner, milestone_id=second.pk)
    release.refresh_from_db()
    assert (release.amount_cents, release.withheld_cents, release.status) == (70_000, AMOUNT, "succeeded")
    assert fake_stripe.calls("POST", "/v1/transfers")[-1].params["amount"] == "40000"
    chargeback.refresh_from_db()
    assert chargeback.recovered_cents == AMOUNT and chargeback.recovery_outstanding_cents == 0
    assert ledger.balance(ledger.PLATFORM_LOSSES) == 0
    truthful(fake_stripe)
    client.force_login(contractor)
    page = client.get(reverse("payments:payouts")).content.decode()
    assert "$300.00 kept to repay a lost card dispute; $400.00 sent" in page


def test_won_after_release_costs_nothing(fake_stripe, deliver, released):
    milestone, payment = released
    dispute = fake_stripe.open_dispute(payment.charge_id)
    send(fake_stripe, deliver, "charge.dispute.funds_withdrawn", dispute["id"])
    fake_stripe.close_dispute(dispute["id"], won=True)
    send(fake_stripe, deliver, "charge.dispute.closed", dispute["id"])
    assert ledger.balance(ledger.PLATFORM_LOSSES) == ledger.balance(ledger.PLATFORM_CHARGEBACKS) == 0
    truthful(fake_stripe)


def test_dispute_events_in_any_order_and_repeated_book_once(fake_stripe, deliver, funded):
    milestone, payment = funded
    dispute = fake_stripe.open_dispute(payment.charge_id)
    early = fake_stripe.event("charge.dispute.created", fake_stripe.objects[dispute["id"]])
    fake_stripe.close_dispute(dispute["id"], won=False)
    closed = fake_stripe.event("charge.dispute.closed", fake_stripe.objects[dispute["id"]])
    for event in (closed, early, closed, early):
        assert deliver(event).status_code == 200
    chargeback = Chargeback.objects.get()
    assert chargeback.outcome == "lost" and chargeback.withdrawn_cents == 31_500
    assert chargeback.lost_from_escrow_cents + chargeback.lost_from_fees_cents == 31_500
    assert not escrow(milestone).frozen
    truthful(fake_stripe)


# --- refunds made in the Stripe dashboard ----------------------------------------------------------
def test_dashboard_refund_on_escrow_is_booked_frozen_and_alerted(fake_stripe, deliver, funded, staff_user, alerts,
                                                                  django_capture_on_commit_callbacks):
    milestone, payment = funded
    refund = fake_stripe.dashboard_refund(payment.charge_id, 10_000)
    charge = fake_stripe.public(payment.charge_id)
    for event in (fake_stripe.event("charge.refunded", charge), fake_stripe.event("refund.created", refund)) * 2:
        assert deliver(event).status_code == 200
    row = Refund.objects.get()
    assert (row.kind, row.status, row.amount_cents, row.refund_id) == ("outside", "succeeded", 10_000, refund["id"])
    assert escrow(milestone).held_cents == AMOUNT - 10_000 and escrow(milestone).frozen
    assert any("outside FairTradeWorker" in message for message, _ in alerts)
    truthful(fake_stripe)
    with pytest.raises(InvalidState, match="frozen"):
        contract_services.milestone_approve(actor=milestone.contract.homeowner, milestone_id=milestone.pk)
    services.escrow_unfreeze_by_staff(actor=staff_user, milestone_id=milestone.pk, note="Agreed partial refund.")
    assert not escrow(milestone).frozen


def test_dashboard_refund_after_release_takes_fee_then_platform(fake_stripe, deliver, released):
    milestone, payment = released
    refund = fake_stripe.dashboard_refund(payment.charge_id)  # all 31_500
    assert deliver(fake_stripe.event("refund.created", refund)).status_code == 200
    assert ledger.balance(ledger.PLATFORM_FEES) == 0 and ledger.balance(ledger.PLATFORM_LOSSES) == AMOUNT
    assert not escrow(milestone).frozen
    truthful(fake_stripe)


# --- reconciliation notices what never reached us -------------------------------------------------
def _checks(run):
    return sorted({d["check"] for d in run.differences})


def test_reconcile_catches_each_missing_event_until_it_is_applied(fake_stripe, deliver, funded, alerts):
    milestone, payment = funded
    dispute = fake_stripe.open_dispute(payment.charge_id)  # no webhook reaches us
    run = services.reconcile()
    assert _checks(run) == ["dispute_recorded", "stripe_balance_transaction_booked"]
    assert any(d.get("dispute") == dispute["id"] for d in run.differences)
    assert any(extras.get("check") == "dispute_recorded" and extras.get("dispute") == dispute["id"]
               for _, extras in alerts)  # one alert per row to look at
    send(fake_stripe, deliver, "charge.dispute.created", dispute["id"])
    truthful(fake_stripe)
    fake_stripe.close_dispute(dispute["id"], won=True)  # reinstated, not delivered
    assert _checks(services.reconcile()) == ["dispute_up_to_date", "stripe_balance_transaction_booked"]
    send(fake_stripe, deliver, "charge.dispute.closed", dispute["id"])
    truthful(fake_stripe)
    refund = fake_stripe.dashboard_refund(payment.charge_id, 5_000)  # not delivered
    run = services.reconcile()
    assert _checks(run) == ["refund_recorded", "stripe_balance_transaction_booked"]
    assert {d.get("refund") or d.get("source") for d in run.differences} == {refund["id"]}
    deliver(fake_stripe.event("refund.updated", refund))
    truthful(fake_stripe)


def test_reconcile_catches_a_lost_dispute_not_settled(fake_stripe, deliver, funded):
    milestone, payment = funded
    dispute = fake_stripe.open_dispute(payment.charge_id)
    send(fake_stripe, deliver, "charge.dispute.created", dispute["id"])
    fake_stripe.close_dispute(dispute["id"], won=False)
    assert _checks(services.reconcile()) == ["dispute_up_to_date"]
    send(fake_stripe, deliver, "charge.dispute.closed", dispute["id"])
    truthful(fake_stripe)


def test_reconcile_catches_an_unbooked_balance_transaction_and_a_posting_stripe_never_made(
        fake_stripe, deliver, funded):
    truthful(fake_stripe)
    stray = fake_stripe.add_balance_transaction("adjustment", -700)
    fake_stripe.add_balance_transaction("payout", -5_000)  # the platform's own bank payout: not ours to book
    run = services.reconcile()
    assert run.differences == [{"check": "stripe_balance_transaction_booked", "balance_transaction": stray["id"],
                                "type": "adjustment", "source": None, "amount": -700, "currency": "usd"}]
    assert run.checked["stripe_balance_not_booked_by_design"] == 1
    fake_stripe.balance_transactions = [bt for bt in fake_stripe.balance_transactions if bt["type"] != "charge"]
    run = services.reconcile()
    missing = [d for d in run.differences if d["check"] == "ledger_posting_at_stripe"]
    assert len(missing) == 1 and missing[0]["key"].startswith("payment:") and missing[0]["amount"] == 31_500


def test_reconcile_pages_through_stripe_lists(fake_stripe, deliver, funded, released_count=6):
    milestone, payment = funded
    for _ in range(released_count):
        refund = fake_stripe.dashboard_refund(payment.charge_id, 1_000)
        deliver(fake_stripe.event("refund.created", refund))
    fake_stripe.max_page = 2
    run = truthful(fake_stripe)
    assert run.checked["stripe_refunds"] == released_count
    pages = fake_stripe.calls("GET", "/v1/balance_transactions")
    assert len(pages) >= 4 and pages[-1].params.get("starting_after")


def test_money_owed_and_not_being_paid_is_reported(fake_stripe, deliver, released, contractor):
    milestone, payment = released
    release = Release.objects.get()
    transfer = dict(fake_stripe.public(release.transfer_id), reversed=True, amount_reversed=AMOUNT,
                    reversals={"data": [{"id": "trr_1"}]})
    deliver(fake_stripe.event("transfer.reversed", transfer))
    payables = [d for d in services.reconcile().differences if d["check"] == "payable_back_to_zero"]
    assert payables == [{"check": "payable_back_to_zero", "account": ledger.contractor_payable(contractor.pk),
                         "currency": "usd", "balance": -AMOUNT}]
