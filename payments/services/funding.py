"""Funding a milestone: a Payment row, a Checkout Session, and the money landing in escrow."""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

import audit
from core.fsm import check_transition
from core.links import absolute_reverse, absolute_url

from .. import ledger
from ..alerts import alert_staff
from ..gateways import GatewayRejected, get_gateway
from ..hooks import milestone_owner
from ..models import Payment
from .common import lock_escrow, lock_milestone

logger = logging.getLogger(__name__)


def payment_open_for(milestone) -> Payment | None:
    return Payment.objects.filter(milestone=milestone, status__in=[Payment.Status.PENDING, Payment.Status.FAILED]).first()


def payment_create(*, milestone, payer) -> Payment:
    """Called by contracts.services.milestone_fund with the milestone locked."""
    return Payment.objects.create(
        milestone=milestone, payer=payer, amount_cents=milestone.amount_cents, fee_cents=milestone.fee_cents,
        total_cents=milestone.amount_cents + milestone.fee_cents, currency=milestone.contract.currency,
        gateway=settings.PAYMENT_GATEWAY,
    )


def payment_checkout(*, payment: Payment) -> Payment:
    """Open (or reopen: same idempotency key, same session) the Checkout Session.

    Runs outside any database transaction: no row lock is held across a network call.
    """
    if payment.checkout_url and payment.status in (Payment.Status.PENDING, Payment.Status.FAILED):
        return payment
    milestone = payment.milestone
    contract = milestone.contract
    gateway = get_gateway()
    success = reverse("payments:checkout_return", args=[payment.pk])
    metadata = {
        "payment_id": str(payment.pk), "milestone_id": str(milestone.pk), "contract_id": str(contract.pk),
        "homeowner_id": str(payment.payer_id),
    }
    try:
        result = gateway.checkout_create(
            idempotency_key=payment.idempotency_key,
            lines=[(f"Milestone {milestone.position}: {milestone.title}"[:200], payment.amount_cents),
                   (f"Platform fee ({contract.fee_bps / 100:g}%)", payment.fee_cents)]
            if payment.fee_cents else [(f"Milestone {milestone.position}: {milestone.title}"[:200], payment.amount_cents)],
            currency=payment.currency,
            transfer_group=f"contract-{contract.pk}",
            metadata=metadata,
            customer_email=payment.payer.email,
            success_url=absolute_url(f"{success}?session_id={{CHECKOUT_SESSION_ID}}"),
            cancel_url=absolute_reverse("contracts:detail", contract.pk, query="checkout=cancelled"),
        )
    except GatewayRejected as exc:
        # Nothing was charged; free the milestone for a fresh attempt.
        with transaction.atomic():
            locked = Payment.objects.select_for_update().get(pk=payment.pk)
            if locked.status == Payment.Status.PENDING:
                locked.status = Payment.Status.EXPIRED
                locked.failure_message = exc.message[:300]
                locked.save(update_fields=["status", "failure_message", "updated_at"])
                audit.record(None, "payment.checkout_rejected", locked, error=exc.message[:300])
        raise
    Payment.objects.filter(pk=payment.pk).update(
        checkout_session_id=result.session_id, checkout_url=result.url, updated_at=timezone.now()
    )
    payment.refresh_from_db()
    if result.completed:
        payment = payment_mark_succeeded(
            payment_id=payment.pk, payment_intent_id=result.payment_intent_id, charge_id=result.charge_id,
            source="gateway",
        )
    return payment


def payment_mark_succeeded(*, payment_id, payment_intent_id: str, charge_id: str = "", amount_total: int | None = None,
                           currency: str | None = None, source: str) -> Payment:
    """The money arrived (webhook, or the simulated gateway). Books it exactly once, and
    tells the milestone's owner (payments.hooks) in the same transaction."""
    with transaction.atomic():
        milestone_id = Payment.objects.values_list("milestone_id", flat=True).get(pk=payment_id)
        milestone = lock_milestone(milestone_id)
        payment = Payment.objects.select_for_update().select_related("payer").get(pk=payment_id)
        if payment.status == Payment.Status.SUCCEEDED:
            if charge_id and not payment.charge_id:
                payment.charge_id = charge_id
                payment.save(update_fields=["charge_id", "updated_at"])
            return payment
        if amount_total is not None and (amount_total != payment.total_cents or (currency or "") != payment.currency):
            alert_staff("payment.amount_mismatch", payment, "Stripe reports a different amount than we charged.",
                        expected=payment.total_cents, reported=amount_total, currency=currency, source=source)
            return payment
        if payment.status == Payment.Status.EXPIRED:
            alert_staff("payment.paid_after_expiry", payment, "Money arrived for an expired payment: refund it.",
                        payment_intent=payment_intent_id)
            return payment
        check_transition(Payment.TRANSITIONS, payment.status, Payment.Status.SUCCEEDED, label="payment")
        payment.status = Payment.Status.SUCCEEDED
        payment.payment_intent_id = payment_intent_id or payment.payment_intent_id
        payment.charge_id = charge_id or payment.charge_id
        payment.succeeded_at = timezone.now()
        payment.failure_message = ""
        payment.save()
        entries = [
            (ledger.STRIPE_BALANCE, payment.total_cents, payment.currency),
            (ledger.escrow_account(milestone.pk), -payment.amount_cents, payment.currency),
        ]
        if payment.fee_cents:
            entries.append((ledger.PLATFORM_FEES, -payment.fee_cents, payment.currency))
        _, booked = ledger.post(kind="funding", key=f"payment:{payment.pk}:succeeded", entries=entries,
                                milestone=milestone, memo=f"Milestone {milestone.position} funded",
                                reference=payment.payment_intent_id or "")
        if booked:
            escrow = lock_escrow(milestone)
            escrow.funded_cents += payment.amount_cents
            escrow.held_cents += payment.amount_cents
            escrow.save()
        audit.record(payment.payer, "payment.succeeded", payment, amount_cents=payment.amount_cents,
                     fee_cents=payment.fee_cents, source=source, payment_intent=payment.payment_intent_id)
        milestone_owner().milestone_funded(milestone=milestone, payment=payment)
    return payment


def payment_mark_failed(*, payment_id, message: str) -> Payment:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status != Payment.Status.PENDING:
            return payment  # forward only: a late failure never undoes a success
        payment.status = Payment.Status.FAILED
        payment.failure_message = (message or "The card was declined.")[:300]
        payment.save(update_fields=["status", "failure_message", "updated_at"])
        audit.record(None, "payment.failed", payment, message=payment.failure_message)
    return payment


def payment_mark_expired(*, payment_id, only_if_never_opened: bool = False) -> Payment:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status not in (Payment.Status.PENDING, Payment.Status.FAILED):
            return payment
        if only_if_never_opened and payment.checkout_session_id:
            return payment  # its Checkout opened meanwhile: Stripe's webhooks decide it
        payment.status = Payment.Status.EXPIRED
        if only_if_never_opened:
            payment.failure_message = "The checkout was never opened; start the payment again."
        payment.save(update_fields=["status", "failure_message", "updated_at"])
        audit.record(None, "payment.expired", payment, never_opened=only_if_never_opened)
    return payment
