"""Refunding escrow (all or part of a milestone) to the homeowner's card.

Used by dispute outcomes (refund, split). The fee is not part of escrow: refunds are
taken from the milestone amount held, never from anything else.
"""

from django.db import transaction
from django.utils import timezone

import audit
from core.exceptions import InvalidState, ValidationFailed
from core.fsm import check_transition

from .. import ledger
from ..alerts import alert_staff
from ..gateways import GatewayRejected, GatewayUnavailable, get_gateway
from ..models import Payment, Refund
from .common import enqueue, lock_escrow, lock_milestone


def _task():
    from ..tasks import refund_execute_task

    return refund_execute_task


def refund_create(*, milestone, amount_cents: int, reason: str, actor=None, request=None) -> Refund:
    """Reserve escrow for a refund and queue it. Caller holds the milestone lock."""
    if not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ValidationFailed("A refund must be a positive amount.")
    payment = Payment.objects.filter(milestone=milestone, status=Payment.Status.SUCCEEDED).first()
    if payment is None:
        raise InvalidState("This milestone has no completed payment to refund.")
    escrow = lock_escrow(milestone)
    if amount_cents > escrow.available_cents:
        raise InvalidState("The escrow of this milestone does not cover that refund.")
    escrow.reserved_cents += amount_cents
    escrow.save(update_fields=["reserved_cents", "updated_at"])
    refund = Refund.objects.create(
        milestone=milestone, payment=payment, homeowner=milestone.contract.homeowner, amount_cents=amount_cents,
        currency=escrow.currency, reason=reason[:200],
    )
    audit.record(actor, "refund.created", refund, request=request, amount_cents=amount_cents, reason=reason[:200])
    enqueue(_task(), str(refund.pk))
    return refund


def refund_execute(refund_id) -> Refund:
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund_id)
        if refund.status != Refund.Status.PENDING or refund.refund_id:
            return refund  # done, or created at Stripe and waiting for its final status
        refund.attempts += 1
        refund.save(update_fields=["attempts", "updated_at"])
    try:
        result = get_gateway().refund_create(
            idempotency_key=refund.idempotency_key,
            payment_intent_id=refund.payment.payment_intent_id,
            amount_cents=refund.amount_cents,
            metadata={"refund_id": str(refund.pk), "milestone_id": str(refund.milestone_id)},
        )
    except GatewayUnavailable as exc:
        Refund.objects.filter(pk=refund.pk).update(last_error=exc.message[:500], updated_at=timezone.now())
        raise
    except GatewayRejected as exc:
        return refund_mark_failed(refund_id=refund.pk, message=exc.message, code=exc.code)
    return refund_apply_status(refund_id=refund.pk, provider_id=result.refund_id, status=result.status,
                               amount_cents=result.amount_cents, source="task")


def refund_apply_status(*, refund_id, provider_id: str, status: str, amount_cents: int | None, source: str) -> Refund:
    """Stripe's view of a refund (from the create call or a webhook), applied forward only."""
    if status == "succeeded":
        return refund_mark_succeeded(refund_id=refund_id, provider_id=provider_id, amount_cents=amount_cents,
                                     source=source)
    if status in ("failed", "canceled"):
        return refund_mark_failed(refund_id=refund_id, message=f"Stripe reports the refund {status}.", code=status,
                                  provider_id=provider_id)
    with transaction.atomic():  # pending / requires_action: remember the id, wait for the webhook
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if not refund.refund_id:
            refund.refund_id = provider_id
            refund.save(update_fields=["refund_id", "updated_at"])
    return refund


def refund_mark_succeeded(*, refund_id, provider_id: str, amount_cents: int | None, source: str) -> Refund:
    with transaction.atomic():
        milestone_id = Refund.objects.values_list("milestone_id", flat=True).get(pk=refund_id)
        milestone = lock_milestone(milestone_id)
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status == Refund.Status.SUCCEEDED:
            return refund
        if amount_cents is not None and amount_cents != refund.amount_cents:
            alert_staff("refund.amount_mismatch", refund, "A refund at Stripe has an unexpected amount.",
                        expected=refund.amount_cents, reported=amount_cents, provider=provider_id)
            return refund
        check_transition(Refund.TRANSITIONS, refund.status, Refund.Status.SUCCEEDED, label="refund")
        refund.status = Refund.Status.SUCCEEDED
        refund.refund_id = provider_id or refund.refund_id
        refund.succeeded_at = timezone.now()
        refund.last_error = ""
        refund.save()
        owed = ledger.homeowner_refunds(refund.homeowner_id)
        cents, cur = refund.amount_cents, refund.currency
        _, booked = ledger.post(kind="refund", key=f"refund:{refund.pk}:refunded", milestone=milestone,
                                entries=[(ledger.escrow_account(milestone.pk), cents, cur), (owed, -cents, cur)],
                                memo=f"Milestone {milestone.position} refunded")
        ledger.post(kind="refund_payout", key=f"refund:{refund.pk}:paid", milestone=milestone,
                    entries=[(owed, cents, cur), (ledger.STRIPE_BALANCE, -cents, cur)],
                    memo=f"Stripe refund {refund.refund_id}")
        if booked:
            escrow = lock_escrow(milestone)
            escrow.held_cents -= cents
            escrow.reserved_cents -= cents
            escrow.refunded_cents += cents
            escrow.save()
        audit.record(None, "refund.succeeded", refund, provider=refund.refund_id, amount_cents=cents, source=source)
    return refund


def refund_mark_failed(*, refund_id, message: str, code: str = "", provider_id: str = "") -> Refund:
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status != Refund.Status.PENDING:
            return refund
        refund.status = Refund.Status.FAILED
        refund.refund_id = refund.refund_id or provider_id or None
        refund.last_error = (f"{code}: {message}" if code else message)[:500]
        refund.save(update_fields=["status", "refund_id", "last_error", "updated_at"])
        alert_staff("refund.failed", refund, "A refund to a homeowner failed.", error=refund.last_error)
    return refund


def refund_retry(*, actor, refund: Refund, request=None) -> Refund:
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        check_transition(Refund.TRANSITIONS, refund.status, Refund.Status.PENDING, label="refund")
        refund.status = Refund.Status.PENDING
        refund.refund_id = None
        refund.key_generation += 1
        refund.save(update_fields=["status", "refund_id", "key_generation", "updated_at"])
        audit.record(actor, "refund.retried", refund, request=request, key=refund.idempotency_key)
        enqueue(_task(), str(refund.pk))
    return refund
