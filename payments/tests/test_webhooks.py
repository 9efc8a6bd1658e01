"""Stripe webhooks: signatures, storage by id, duplicates, order, unknown events/objects."""

import json
import time

import pytest

from contracts import services as contract_services
from payments.models import MilestoneEscrow, Payment, PayoutAccount, Release, WebhookEvent

from .conftest import sign
from .helpers import assert_books_balanced, fund_via_checkout, onboard, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(fake_stripe, contract, homeowner):
    """A milestone whose Checkout was paid at Stripe; no webhook delivered yet."""
    milestone = contract.milestones.get(position=1)
    payment = contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    session = fake_stripe.complete_checkout(payment.checkout_session_id)
    intent = fake_stripe.objects[session["payment_intent"]]
    return milestone, payment, session, intent


# --- signatures --------------------------------------------------------------------------
def test_forged_signature_is_rejected_and_nothing_stored(fake_stripe, deliver, paid):
    _, payment, session, _ = paid
    response = deliver(fake_stripe.event("checkout.session.completed", session), secret="whsec_attacker")
    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0
    payment.refresh_from_db()
    assert payment.status == "pending"


def test_missing_signature_is_rejected(fake_stripe, client, paid):
    payload = json.dumps(fake_stripe.event("checkout.session.completed", paid[2]))
    assert client.post("/webhooks/stripe/", data=payload, content_type="application/json").status_code == 400


def test_tampered_body_is_rejected(fake_stripe, deliver, paid):
    event = fake_stripe.event("checkout.session.completed", paid[2])
    good = sign(json.dumps(event))
    event["data"]["object"]["amount_total"] = 1  # body changed after signing
    assert deliver(event, signature=good).status_code == 400


def test_replayed_old_signature_is_rejected(fake_stripe, deliver, paid):
    event = fake_stripe.event("checkout.session.completed", paid[2])
    stale = sign(json.dumps(event), timestamp=int(time.time()) - 3600)
    assert deliver(event, signature=stale).status_code == 400


def test_no_webhook_secret_configured_rejects_everything(fake_stripe, deliver, settings, paid):
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert deliver(fake_stripe.event("checkout.session.completed", paid[2])).status_code == 400


def test_get_is_not_allowed(client):
    assert client.get("/webhooks/stripe/").status_code == 405


# --- duplicates and order ------------------------------------------------------------------
def test_duplicate_event_is_applied_once(fake_stripe, deliver, paid):
    milestone, payment, session, _ = paid
    event = fake_stripe.event("checkout.session.completed", session)
    for _ in range(3):
        assert deliver(event).status_code == 200
    stored = WebhookEvent.objects.get(event_id=event["id"])
    assert stored.deliveries == 3 and stored.status == "processed"
    assert stored.payload["data"]["object"]["id"] == session["id"]
    assert MilestoneEscrow.objects.get(milestone=milestone).funded_cents == 30_000
    assert Payment.objects.get(pk=payment.pk).status == "succeeded"
    assert_books_balanced()


def test_two_events_for_one_payment_fund_once_and_fill_the_charge(fake_stripe, deliver, paid):
    milestone, payment, session, intent = paid
    deliver(fake_stripe.event("checkout.session.completed", session))
    deliver(fake_stripe.event("payment_intent.succeeded", intent))
    payment.refresh_from_db()
    assert payment.charge_id == intent["latest_charge"]
    assert MilestoneEscrow.objects.get(milestone=milestone).funded_cents == 30_000
    assert_books_balanced()


def test_out_of_order_intent_before_session(fake_stripe, deliver, paid):
    milestone, payment, session, intent = paid
    deliver(fake_stripe.event("payment_intent.succeeded", intent))
    deliver(fake_stripe.event("checkout.session.completed", session))
    payment.refresh_from_db()
    milestone.refresh_from_db()
    assert payment.status == "succeeded" and milestone.status == "funded"
    assert payment.payment_intent_id == intent["id"]
    assert_books_balanced()


def test_late_failure_never_undoes_success(fake_stripe, deliver, paid):
    _, payment, session, intent = paid
    deliver(fake_stripe.event("checkout.session.completed", session))
    failed = dict(intent, status="requires_payment_method", last_payment_error={"message": "Card declined"})
    deliver(fake_stripe.event("payment_intent.payment_failed", failed))
    payment.refresh_from_db()
    assert payment.status == "succeeded"


def test_failure_then_success_moves_forward(fake_stripe, deliver, paid):
    milestone, payment, session, intent = paid
    failed = dict(intent, status="requires_payment_method", last_payment_error={"message": "Your card was declined."})
    deliver(fake_stripe.event("payment_intent.payment_failed", failed))
    payment.refresh_from_db()
    assert payment.status == "failed" and payment.failure_message == "Your card was declined."
    deliver(fake_stripe.event("payment_intent.succeeded", intent))
    payment.refresh_from_db()
    assert payment.status == "succeeded"


def test_expired_session_frees_the_milestone(fake_stripe, deliver, contract, homeowner):
    milestone = contract.milestones.get(position=1)
    payment = contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    session = dict(fake_stripe.public(payment.checkout_session_id), status="expired")
    deliver(fake_stripe.event("checkout.session.expired", session))
    payment.refresh_from_db()
    assert payment.status == "expired"
    again = contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    assert again.pk != payment.pk and again.status == "pending"


def test_amount_mismatch_does_not_fund(fake_stripe, deliver, paid, monkeypatch):
    captured = []
    monkeypatch.setattr("payments.alerts.sentry_sdk.capture_message", lambda *a, **k: captured.append(a))
    milestone, payment, session, _ = paid
    deliver(fake_stripe.event("checkout.session.completed", dict(session, amount_total=100)))
    payment.refresh_from_db()
    assert payment.status == "pending"
    assert captured and "different amount" in captured[0][0]


# --- unknown things ------------------------------------------------------------------------
def test_unknown_event_type_is_stored_and_acknowledged(fake_stripe, deliver):
    event = fake_stripe.event("customer.created", {"id": "cus_123", "object": "customer"})
    assert deliver(event).status_code == 200
    stored = WebhookEvent.objects.get(event_id=event["id"])
    assert stored.status == "ignored" and "No handler" in stored.note


def test_event_for_unknown_object_is_stored_and_acknowledged(fake_stripe, deliver, db):
    obj = {"id": "cs_test_nope", "object": "checkout.session", "payment_status": "paid", "amount_total": 500,
           "currency": "usd", "payment_intent": "pi_nope", "metadata": {"payment_id": "not-a-uuid"}}
    event = fake_stripe.event("checkout.session.completed", obj)
    assert deliver(event).status_code == 200
    stored = WebhookEvent.objects.get(event_id=event["id"])
    assert stored.status == "ignored" and "No payment" in stored.note
    transfer = {"id": "tr_nope", "object": "transfer", "amount": 5, "metadata": {}}
    assert deliver(fake_stripe.event("transfer.created", transfer)).status_code == 200
    account = {"id": "acct_nope", "object": "account", "payouts_enabled": True}
    assert deliver(fake_stripe.event("account.updated", account)).status_code == 200
    assert WebhookEvent.objects.filter(status="ignored").count() == 3


def test_handler_crash_is_stored_failed_alerted_and_answered_2xx(fake_stripe, deliver, paid, monkeypatch):
    """Stripe retrying an event our code cannot apply for three days helps nobody: it is
    stored, marked failed with the reason, staff are told, and Stripe gets a 2xx."""
    _, payment, session, _ = paid
    from payments.services import webhooks

    captured = []
    monkeypatch.setattr("payments.alerts.sentry_sdk.capture_message", lambda *a, **k: captured.append((a, k)))
    original = webhooks.HANDLERS["checkout.session.completed"]
    monkeypatch.setitem(webhooks.HANDLERS, "checkout.session.completed", lambda body: 1 / 0)
    event = fake_stripe.event("checkout.session.completed", session)
    assert deliver(event).status_code == 200
    stored = WebhookEvent.objects.get(event_id=event["id"])
    assert stored.status == "failed" and "ZeroDivisionError" in stored.note
    assert [k["extras"]["event"] for a, k in captured] == [event["id"]]
    monkeypatch.setitem(webhooks.HANDLERS, "checkout.session.completed", original)
    assert deliver(event).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "succeeded"


def test_absurd_created_time_is_stored_and_failed_not_a_500(fake_stripe, deliver, contractor, monkeypatch):
    captured = []
    monkeypatch.setattr("payments.alerts.sentry_sdk.capture_message", lambda *a, **k: captured.append(a))
    account = onboard(contractor, fake_stripe)
    event = fake_stripe.event("account.updated", fake_stripe.objects[account.account_id], created=10**12)
    response = deliver(event)
    assert response.status_code == 200
    stored = WebhookEvent.objects.get(event_id=event["id"])
    assert stored.stripe_created is None and stored.payload["created"] == 10**12
    assert stored.status == "failed" and "year" in stored.note.lower()
    assert captured and "could not be applied" in captured[0][0]
    # The same body with a sane time applies normally.
    ok = fake_stripe.event("account.updated", fake_stripe.objects[account.account_id])
    assert deliver(ok).status_code == 200
    assert WebhookEvent.objects.get(event_id=ok["id"]).status == "processed"


# --- transfers, refunds, accounts, disputes ------------------------------------------------
def test_account_updated_out_of_order_keeps_the_newest(fake_stripe, deliver, contractor):
    account = onboard(contractor, fake_stripe)
    newer = fake_stripe.event("account.updated", fake_stripe.objects[account.account_id], created=int(time.time()) + 60)
    older = fake_stripe.event("account.updated", dict(fake_stripe.objects[account.account_id], payouts_enabled=False),
                              created=int(time.time()) - 600)
    deliver(newer)
    deliver(older)
    assert PayoutAccount.objects.get(pk=account.pk).payouts_enabled is True


def test_transfer_reversed_alerts_staff_and_books_the_return(fake_stripe, deliver, contract, homeowner, contractor,
                                                             monkeypatch, django_capture_on_commit_callbacks):
    captured = []
    monkeypatch.setattr("payments.alerts.sentry_sdk.capture_message", lambda *a, **k: captured.append(a))
    onboard(contractor, fake_stripe)
    milestone = contract.milestones.get(position=1)
    fund_via_checkout(fake_stripe, deliver, milestone, homeowner)
    submit(milestone, contractor)
    with django_capture_on_commit_callbacks(execute=True):
        release = contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    release.refresh_from_db()
    transfer = dict(fake_stripe.public(release.transfer_id), reversed=True, amount_reversed=30_000,
                    reversals={"data": [{"id": "trr_1"}]})
    for _ in range(2):
        deliver(fake_stripe.event("transfer.reversed", transfer))
    release.refresh_from_db()
    assert release.status == Release.Status.REVERSED
    assert len([c for c in captured if "reversed" in c[0]]) == 1
    from payments import ledger

    assert ledger.unbalanced_transactions() == []
    assert ledger.balance(ledger.contractor_payable(contractor.pk)) == -30_000  # owed again until staff decide


def test_chargeback_alerts_staff_once(fake_stripe, deliver, contract, homeowner, monkeypatch):
    captured = []
    monkeypatch.setattr("payments.alerts.sentry_sdk.capture_message", lambda *a, **k: captured.append(a))
    milestone = contract.milestones.get(position=1)
    payment, _ = fund_via_checkout(fake_stripe, deliver, milestone, homeowner)
    dispute = {"id": "dp_1", "object": "dispute", "amount": 31_500, "charge": payment.charge_id or "ch_x",
               "payment_intent": payment.payment_intent_id, "reason": "fraudulent", "status": "needs_response"}
    deliver(fake_stripe.event("charge.dispute.created", dispute))
    deliver(fake_stripe.event("charge.dispute.created", dispute))
    payment.refresh_from_db()
    assert payment.disputed_at is not None
    assert len(captured) == 1
    assert MilestoneEscrow.objects.get(milestone=milestone).frozen


def test_pending_refund_completes_by_webhook(fake_stripe, deliver, contract, homeowner,
                                             django_capture_on_commit_callbacks):
    from payments import services

    milestone = contract.milestones.get(position=1)
    fund_via_checkout(fake_stripe, deliver, milestone, homeowner)
    real_refund = fake_stripe._refund

    def pending_refund(p):
        body, status, headers = real_refund(p)
        data = json.loads(body)
        fake_stripe.objects[data["id"]]["status"] = "pending"
        return json.dumps(dict(data, status="pending")), status, headers

    fake_stripe._refund = pending_refund
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.refund_create(milestone=milestone, amount_cents=30_000, reason="dispute")
    refund.refresh_from_db()
    assert refund.status == "pending" and refund.refund_id.startswith("re_")
    assert MilestoneEscrow.objects.get(milestone=milestone).held_cents == 30_000
    done = dict(fake_stripe.public(refund.refund_id), status="succeeded")
    deliver(fake_stripe.event("refund.updated", done))
    deliver(fake_stripe.event("charge.refunded", {"id": "ch_x", "object": "charge", "refunds": {"data": [done]}}))
    refund.refresh_from_db()
    assert refund.status == "succeeded"
    assert MilestoneEscrow.objects.get(milestone=milestone).held_cents == 0
    assert_books_balanced()


def test_money_for_a_cancelled_contract_is_kept_and_staff_alerted(fake_stripe, deliver, paid, monkeypatch):
    """The contract was cancelled another way while the session was paid: the money is
    booked to escrow (never lost) and staff are told to refund it."""
    captured = []
    monkeypatch.setattr("payments.alerts.sentry_sdk.capture_message", lambda *a, **k: captured.append(a))
    milestone, payment, session, _ = paid
    from contracts.models import Contract

    Contract.objects.filter(pk=milestone.contract_id).update(status="cancelled")
    deliver(fake_stripe.event("checkout.session.completed", session))
    milestone.refresh_from_db()
    assert milestone.status == "unfunded"
    assert MilestoneEscrow.objects.get(milestone=milestone).held_cents == 30_000
    assert captured and "refund" in captured[0][0]
    assert_books_balanced()
