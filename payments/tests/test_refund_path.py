"""One refund path: pending refunds polled until they settle, fee refunds on the same path
(migrated from disputes with their keys and ledger history), the split fee divided once,
payments whose checkout never opened expired by the sweeper, staff admin for the new money."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from contracts import services as contract_services
from payments import ledger, services, settlement
from payments.models import Chargeback, Payment, Refund, WebhookEvent
from payments.services.common import lock_milestone

from .helpers import assert_books_balanced, fund_via_checkout, onboard, submit

pytestmark = pytest.mark.django_db


def _pending_refunds(fake):
    real = fake._refund

    def pending(p):
        body, status, headers = real(p)
        data = json.loads(body)
        if status == 200:
            fake.objects[data["id"]]["status"] = "pending"
            fake.balance_transactions.pop()  # a pending refund has not moved money yet
            data["status"] = "pending"
        return json.dumps(data), status, headers

    fake._refund = pending


def test_pending_refund_is_polled_until_it_settles(fake_stripe, deliver, contract, homeowner,
                                                   django_capture_on_commit_callbacks):
    milestone = contract.milestones.get(position=1)
    fund_via_checkout(fake_stripe, deliver, milestone, homeowner)
    _pending_refunds(fake_stripe)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        refund = services.refund_create(milestone=lock_milestone(milestone.pk), amount_cents=30_000, reason="test")
    refund.refresh_from_db()
    assert refund.status == "pending" and refund.refund_id
    later = timezone.now() + timedelta(minutes=15)
    services.sweep_stuck(now=later)  # Stripe still says pending: asked, nothing changes
    assert len(fake_stripe.calls("GET", f"/v1/refunds/{refund.refund_id}")) == 1
    refund.refresh_from_db()
    assert refund.status == "pending"
    fake_stripe.settle_refund(refund.refund_id)  # no webhook reaches us
    services.sweep_stuck(now=later)
    refund.refresh_from_db()
    assert refund.status == "succeeded" and len(fake_stripe.calls("POST", "/v1/refunds")) == 1
    assert_books_balanced(fake_stripe)
    assert services.reconcile().ok


def test_fee_refund_is_a_refund_on_the_one_path(fake_stripe, deliver, contract, homeowner,
                                                django_capture_on_commit_callbacks):
    milestone = contract.milestones.get(position=1)
    fund_via_checkout(fake_stripe, deliver, milestone, homeowner)
    fake_stripe.fail_next("POST", "/v1/refunds", "400")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        fee = services.fee_refund_create(milestone=lock_milestone(milestone.pk), amount_cents=500, reason="split")
    fee.refresh_from_db()
    assert (fee.kind, fee.status) == ("fee", "failed")
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_retry(actor=None, refund=fee)
    fee.refresh_from_db()
    assert fee.status == "succeeded"
    keys = [c.idempotency_key for c in fake_stripe.calls("POST", "/v1/refunds")]
    assert keys == [f"fee-refund-{fee.pk}", f"fee-refund-{fee.pk}-retry1"]  # the keys FeeRefund rows used
    assert ledger.balance(ledger.PLATFORM_FEES) == -1_000
    assert {tx.key for tx in fee.milestone.ledger_transactions.filter(key__startswith="fee-refund")} == {
        f"fee-refund:{fee.pk}:refunded", f"fee-refund:{fee.pk}:paid"}
    assert_books_balanced(fake_stripe)
    with transaction.atomic(), pytest.raises(Exception, match="at most the fee"):
        services.fee_refund_create(milestone=lock_milestone(milestone.pk), amount_cents=1_001, reason="too much")


def test_a_webhook_for_a_migrated_fee_refund_finds_it_by_its_old_metadata(fake_stripe, deliver, contract, homeowner):
    milestone = contract.milestones.get(position=1)
    payment, _ = fund_via_checkout(fake_stripe, deliver, milestone, homeowner)
    fee = Refund.objects.create(milestone=milestone, payment=payment, homeowner=homeowner, kind="fee",
                                amount_cents=300, reason="migrated")
    remote = {"id": "re_legacy", "object": "refund", "amount": 300, "currency": "usd", "status": "succeeded",
              "payment_intent": payment.payment_intent_id, "metadata": {"fee_refund_id": str(fee.pk)}}
    assert deliver(fake_stripe.event("refund.updated", remote)).status_code == 200
    fee.refresh_from_db()
    assert fee.status == "succeeded" and fee.refund_id == "re_legacy"
    assert not Refund.objects.filter(kind="outside").exists()


@pytest.mark.parametrize("amount, fee, contractor, fee_back", [
    (40_000, 2_000, 30_000, 500),
    (1_010, 51, 505, 26),  # each side rounding on its own kept 26 for the platform: 5% of 505 is 25.25
    (999, 50, 1, 50),
    (30_000, 1_500, 0, 1_500),
])
def test_split_fee_is_divided_once_and_adds_up(amount, fee, contractor, fee_back):
    payment = Payment(amount_cents=amount, fee_cents=fee, total_cents=amount + fee)
    back = settlement.fee_refund_cents(milestone=None, payment=payment, refund_cents=amount - contractor)
    assert back == fee_back
    kept = fee - back
    assert kept <= contractor * 500 / 10_000  # never more than the rate on what the contractor got


def test_payment_whose_checkout_never_opened_is_expired_by_the_sweeper(fake_stripe, contract, homeowner):
    milestone = contract.milestones.get(position=1)
    with transaction.atomic():  # the process dies after this commit, before the checkout call
        payment = services.payment_create(milestone=lock_milestone(milestone.pk), payer=homeowner)
    assert services.sweep_stuck()["payments_expired"] == 0  # too recent: it may still be opening
    assert services.sweep_stuck(now=timezone.now() + timedelta(minutes=31))["payments_expired"] == 1
    payment.refresh_from_db()
    assert payment.status == "expired" and "never opened" in payment.failure_message
    again = contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    assert again.pk != payment.pk and again.checkout_session_id


def test_admin_shows_chargebacks_and_outside_refunds_on_the_payment(client, staff_user, fake_stripe, deliver, contract,
                                                                     homeowner, contractor):
    onboard(contractor, fake_stripe)
    milestone = contract.milestones.get(position=1)
    payment, _ = fund_via_checkout(fake_stripe, deliver, milestone, homeowner,
                                   events=("checkout.session.completed", "payment_intent.succeeded"))
    submit(milestone, contractor)
    dispute = fake_stripe.open_dispute(payment.charge_id)
    deliver(fake_stripe.event("charge.dispute.created", dispute))
    refund = fake_stripe.dashboard_refund(payment.charge_id, 1_000, status="pending")
    deliver(fake_stripe.event("refund.created", refund))
    client.force_login(staff_user)
    html = client.get(reverse("admin:payments_payment_change", args=[payment.pk])).content.decode()
    assert dispute["id"] in html and "Open at the bank" in html and "FROZEN" in html
    assert refund["id"] in html and "Made outside FairTradeWorker" in html
    listing = client.get(reverse("admin:payments_payment_changelist")).content.decode()
    assert "1 chargeback open" in listing and "1 outside refund" in listing
    for name in ("chargeback", "milestoneescrow", "refund"):
        assert client.get(reverse(f"admin:payments_{name}_changelist")).status_code == 200


def test_admin_recovery_asks_for_confirmation_first(client, staff_user, fake_stripe, deliver, contract, homeowner,
                                                    contractor, django_capture_on_commit_callbacks):
    onboard(contractor, fake_stripe)
    milestone = contract.milestones.get(position=1)
    payment, _ = fund_via_checkout(fake_stripe, deliver, milestone, homeowner,
                                   events=("checkout.session.completed", "payment_intent.succeeded"))
    submit(milestone, contractor)
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    dispute = fake_stripe.open_dispute(payment.charge_id)
    fake_stripe.close_dispute(dispute["id"], won=False)
    deliver(fake_stripe.event("charge.dispute.closed", fake_stripe.objects[dispute["id"]]))
    chargeback = Chargeback.objects.get()
    client.force_login(staff_user)
    url = reverse("admin:payments_chargeback_changelist")
    data = {"action": "start_recovery", "_selected_action": [str(chargeback.pk)]}
    page = client.post(url, data)
    assert page.status_code == 200 and "$300.00 will be kept back" in page.content.decode()
    chargeback.refresh_from_db()
    assert chargeback.recovery_cents == 0  # nothing happened yet
    client.post(url, {**data, "confirmed": "yes"})
    chargeback.refresh_from_db()
    assert chargeback.recovery_cents == 30_000 and chargeback.recovery_contractor == contractor


def test_admin_applies_a_failed_event_again(client, staff_user, fake_stripe, deliver, contract, homeowner, monkeypatch):
    from payments.services import webhooks

    monkeypatch.setattr("payments.alerts.sentry_sdk.capture_message", lambda *a, **k: None)
    milestone = contract.milestones.get(position=1)
    payment = contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    session = fake_stripe.complete_checkout(payment.checkout_session_id)
    original = webhooks.HANDLERS["checkout.session.completed"]
    monkeypatch.setitem(webhooks.HANDLERS, "checkout.session.completed", lambda body: {}["boom"])
    deliver(fake_stripe.event("checkout.session.completed", session))
    event = WebhookEvent.objects.get()
    assert event.status == "failed"
    monkeypatch.setitem(webhooks.HANDLERS, "checkout.session.completed", original)
    client.force_login(staff_user)
    client.post(reverse("admin:payments_webhookevent_changelist"),
                {"action": "apply_again", "_selected_action": [str(event.pk)]})
    event.refresh_from_db()
    payment.refresh_from_db()
    assert event.status == "processed" and payment.status == "succeeded"
