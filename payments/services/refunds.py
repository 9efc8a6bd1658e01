"""Money back to the homeowner's card: the one refund path.

Three kinds of Refund row go through the same execute / apply / retry / sweep functions:
- `escrow`: all or part of a milestone's escrow (dispute outcomes), reserved when created;
- `fee`: the platform fee on a refunded part (dispute outcomes), taken from our revenue;
- `outside`: a refund someone made in the Stripe dashboard, learned of by webhook. We never
  ask Stripe for it; we book what it took: the milestone's free escrow first, then the fee
  we kept on it, and the rest as a platform loss (README "Chargebacks and outside refunds").

A refund Stripe reports as pending is polled (refund_execute, re-queued by the sweeper)
until it succeeds or fails; webhooks usually tell us first.
"""

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

import audit
from core.exceptions import InvalidState, ValidationFailed
from core.fsm import check_transition

from .. import ledger
from ..alerts import alert_staff
from ..gateways import GatewayRejected, GatewayUnavailable, get_gateway
from ..hooks import milestone_owner
from ..models import LedgerEntry, MilestoneEscrow, Payment, Refund
from .common import enqueue, escrow_freeze, lock_escrow, lock_milestone


def _task():
    from ..tasks import refund_execute_task

    return refund_execute_task


def _succeeded_payment(milestone) -> Payment:
    payment = Payment.objects.filter(milestone=milestone, status=Payment.Status.SUCCEEDED).first()
    if payment is None:
        raise InvalidState("This milestone has no completed payment to refund.")
    return payment


def _positive(amount_cents) -> None:
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool) or amount_cents <= 0:
        raise ValidationFailed("A refund must be a positive amount.")


def _require_not_frozen(escrow) -> None:
    if escrow.frozen:
        raise InvalidState(f"This milestone's escrow is frozen ({escrow.frozen_reason}); no money moves until "
                           "staff lift it.")


def fees_kept_cents(milestone_id) -> int:
    """The platform fee still booked as our revenue on this milestone (charged, less any
    returned by a fee refund, an outside refund or a lost chargeback)."""
    total = LedgerEntry.objects.filter(account=ledger.PLATFORM_FEES, transaction__milestone_id=milestone_id).aggregate(
        s=Sum("amount_cents"))["s"] or 0
    return -total


def refund_create(*, milestone, amount_cents: int, reason: str, actor=None, request=None) -> Refund:
    """Reserve escrow for a refund and queue it. Caller holds the milestone lock."""
    _positive(amount_cents)
    payment = _succeeded_payment(milestone)
    escrow = lock_escrow(milestone)
    _require_not_frozen(escrow)
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


def fee_refund_create(*, milestone, amount_cents: int, reason: str, actor=None, request=None) -> Refund:
    """Queue a refund of (part of) the platform fee. Caller holds the milestone lock."""
    _positive(amount_cents)
    payment = _succeeded_payment(milestone)
    promised = Refund.objects.filter(payment=payment, kind=Refund.Kind.FEE).exclude(
        status=Refund.Status.FAILED).aggregate(s=Sum("amount_cents"))["s"] or 0
    if amount_cents + promised > payment.fee_cents:
        raise ValidationFailed("A fee refund must be at most the fee paid.")
    refund = Refund.objects.create(
        milestone=milestone, payment=payment, homeowner_id=payment.payer_id, kind=Refund.Kind.FEE,
        amount_cents=amount_cents, currency=payment.currency, reason=reason[:200],
    )
    audit.record(actor, "refund.created", refund, request=request, amount_cents=amount_cents, kind="fee",
                 reason=reason[:200])
    enqueue(_task(), str(refund.pk))
    return refund


def refund_execute(refund_id) -> Refund:
    """Ask Stripe for the refund, or (already asked, still pending there) ask how it went.
    Raises GatewayUnavailable for the task to retry with the same key."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update(of=("self",)).select_related("payment").get(pk=refund_id)
        if refund.status != Refund.Status.PENDING:
            return refund
        if not refund.refund_id:
            escrow = MilestoneEscrow.objects.filter(milestone_id=refund.milestone_id).first()
            if escrow is not None and escrow.frozen:
                # The bank is deciding about this charge (Stripe refuses refunds on it anyway);
                # the row waits, the sweeper looks again, staff see why.
                refund.last_error = f"Held: {escrow.frozen_reason}"[:500]
                refund.save(update_fields=["last_error", "updated_at"])
                return refund
            refund.attempts += 1
            refund.save(update_fields=["attempts", "updated_at"])
    gateway = get_gateway()
    if refund.refund_id:  # created at Stripe, pending there: poll until it settles
        return _poll(gateway, refund)
    try:
        result = gateway.refund_create(
            idempotency_key=refund.idempotency_key,
            payment_intent_id=refund.payment.payment_intent_id,
            amount_cents=refund.amount_cents,
            metadata={"refund_id": str(refund.pk), "milestone_id": str(refund.milestone_id), "kind": refund.kind},
        )
    except GatewayUnavailable as exc:
        Refund.objects.filter(pk=refund.pk).update(last_error=exc.message[:500], updated_at=timezone.now())
        raise
    except GatewayRejected as exc:
        return refund_mark_failed(refund_id=refund.pk, message=exc.message, code=exc.code)
    return refund_apply_status(refund_id=refund.pk, provider_id=result.refund_id, status=result.status,
                               amount_cents=result.amount_cents, source="task")


def _poll(gateway, refund: Refund) -> Refund:
    try:
        remote = gateway.refund_retrieve(refund.refund_id)
    except GatewayUnavailable as exc:
        Refund.objects.filter(pk=refund.pk).update(last_error=exc.message[:500], updated_at=timezone.now())
        raise
    except GatewayRejected as exc:
        # Asking failed, which says nothing about the refund itself: keep it pending, tell staff.
        Refund.objects.filter(pk=refund.pk).update(last_error=f"poll: {exc.message}"[:500], updated_at=timezone.now())
        alert_staff("refund.poll_failed", refund, "Stripe would not tell us how a pending refund went.",
                    error=exc.message, provider=refund.refund_id)
        return refund
    return refund_apply_status(refund_id=refund.pk, provider_id=remote.id, status=remote.status,
                               amount_cents=remote.amount_cents, source="poll")


def refund_apply_status(*, refund_id, provider_id: str, status: str, amount_cents: int | None, source: str) -> Refund:
    """Stripe's view of a refund (from the create call, a poll or a webhook), applied forward only."""
    if status == "succeeded":
        return refund_mark_succeeded(refund_id=refund_id, provider_id=provider_id, amount_cents=amount_cents,
                                     source=source)
    if status in ("failed", "canceled"):
        return refund_mark_failed(refund_id=refund_id, message=f"Stripe reports the refund {status}.", code=status,
                                  provider_id=provider_id)
    with transaction.atomic():  # pending / requires_action: remember the id, poll until it settles
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if not refund.refund_id:
            refund.refund_id = provider_id
            refund.save(update_fields=["refund_id", "updated_at"])
    return refund


def _book(refund: Refund, milestone) -> None:
    """Post the refund's two transactions (owed to the homeowner, then paid from our Stripe
    balance) once; for escrow and outside refunds move the escrow row with them."""
    owed = ledger.homeowner_refunds(refund.homeowner_id)
    cents, cur = refund.amount_cents, refund.currency
    escrow = lock_escrow(milestone)
    from_escrow = 0
    if refund.kind == Refund.Kind.ESCROW:
        from_escrow, sources, memo = cents, [(ledger.escrow_account(milestone.pk), cents, cur)], "refunded"
    elif refund.kind == Refund.Kind.FEE:
        sources, memo = [(ledger.PLATFORM_FEES, cents, cur)], "fee refunded"
    else:
        from_escrow = min(cents, escrow.available_cents)
        from_fees = min(cents - from_escrow, max(fees_kept_cents(milestone.pk), 0))
        sources = ledger.nonzero([(ledger.escrow_account(milestone.pk), from_escrow, cur),
                                  (ledger.PLATFORM_FEES, from_fees, cur),
                                  (ledger.PLATFORM_LOSSES, cents - from_escrow - from_fees, cur)])
        memo = "refunded outside FairTradeWorker"
    _, booked = ledger.post(kind="refund", key=f"{refund.ledger_prefix}:refunded", milestone=milestone,
                            entries=[*sources, (owed, -cents, cur)], memo=f"Milestone {milestone.position} {memo}")
    ledger.post(kind="refund_payout", key=f"{refund.ledger_prefix}:paid", milestone=milestone,
                entries=[(owed, cents, cur), (ledger.STRIPE_BALANCE, -cents, cur)],
                memo=f"Stripe refund {refund.refund_id}", reference=refund.refund_id or "")
    if booked and from_escrow:
        escrow.held_cents -= from_escrow
        if refund.kind == Refund.Kind.ESCROW:
            escrow.reserved_cents -= from_escrow
        escrow.refunded_cents += from_escrow
        escrow.save()
    if booked and refund.kind == Refund.Kind.OUTSIDE:
        if escrow.held_cents:
            escrow_freeze(escrow, f"refund {refund.refund_id} made outside FairTradeWorker")
        alert_staff("refund.outside", refund, "A refund was made outside FairTradeWorker (Stripe dashboard); it is "
                    "booked and the milestone's remaining escrow is frozen until staff look.",
                    amount=cents, from_escrow=from_escrow, escrow_left=escrow.held_cents,
                    milestone=str(milestone.pk), refund=refund.refund_id)
        if from_escrow:
            milestone_owner().escrow_returned(milestone=milestone, cause="outside_refund", amount_cents=from_escrow,
                                              escrow_left_cents=escrow.held_cents, reference=refund.refund_id or "")


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
        _book(refund, milestone)
        audit.record(None, "refund.succeeded", refund, provider=refund.refund_id, amount_cents=refund.amount_cents,
                     kind=refund.kind, source=source)
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
        if refund.kind != Refund.Kind.OUTSIDE:  # an outside refund that failed moved nothing of ours
            alert_staff("refund.failed", refund, f"A refund to a homeowner failed ({refund.get_kind_display()}).",
                        error=refund.last_error, milestone=str(refund.milestone_id))
    return refund


def refund_retry(*, actor, refund: Refund, request=None) -> Refund:
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.kind == Refund.Kind.OUTSIDE:
            raise InvalidState("This refund was made outside FairTradeWorker; there is nothing for us to send.")
        check_transition(Refund.TRANSITIONS, refund.status, Refund.Status.PENDING, label="refund")
        refund.status = Refund.Status.PENDING
        refund.refund_id = None
        refund.key_generation += 1
        refund.save(update_fields=["status", "refund_id", "key_generation", "updated_at"])
        audit.record(actor, "refund.retried", refund, request=request, key=refund.idempotency_key)
        enqueue(_task(), str(refund.pk))
    return refund


def refund_record_outside(*, payment: Payment, provider_id: str, amount_cents: int, currency: str, status: str,
                          reason: str = "") -> Refund | None:
    """A refund of one of our charges that none of our rows asked for: store it once (by
    Stripe's id) and apply Stripe's status to it like any other refund."""
    if not provider_id or not isinstance(amount_cents, int) or amount_cents <= 0:
        return None
    with transaction.atomic():
        refund, created = Refund.objects.get_or_create(refund_id=provider_id, defaults={
            "milestone_id": payment.milestone_id, "payment": payment, "homeowner_id": payment.payer_id,
            "kind": Refund.Kind.OUTSIDE, "amount_cents": amount_cents, "currency": currency or payment.currency,
            "reason": (reason or "Refunded in the Stripe dashboard")[:200],
        })
        if created:
            audit.record(None, "refund.outside_seen", refund, amount_cents=amount_cents, provider=provider_id)
    return refund_apply_status(refund_id=refund.pk, provider_id=provider_id, status=status, amount_cents=amount_cents,
                               source="webhook")
