"""Outcomes: release, refund or split, executed through the payments services in the same
transaction as the decision (Release/Refund rows reserved, tasks queued after commit).

The platform fee on the refunded part goes back to the homeowner too: a FeeRefund row,
performed by a task keyed by it (payments.settlement moves and books the money)."""

from django.db import transaction
from django.utils import timezone

from contracts import services as contract_services
from contracts.models import Milestone
from core import outbox
from core.exceptions import InvalidState, PermissionDenied, ValidationFailed
from core.fsm import check_transition
from core.money import format_cents
from payments import settlement
from payments.alerts import alert_staff
from payments.gateways import GatewayRejected, GatewayUnavailable, get_gateway
from payments.services.common import enqueue

from ..models import Dispute, DisputeEvent, FeeRefund, Offer
from .common import base_context, event, lock_both, lock_milestone, record, require_open, send_later

REASON_MAX = 5000
MILESTONE_STATUS = {
    Dispute.Outcome.RELEASE: Milestone.Status.RELEASED,
    Dispute.Outcome.REFUND: Milestone.Status.REFUNDED,
    Dispute.Outcome.SPLIT: Milestone.Status.SPLIT,
}


def outcome_for(contractor_cents: int, amount_cents: int) -> str:
    if contractor_cents == amount_cents:
        return Dispute.Outcome.RELEASE
    if contractor_cents == 0:
        return Dispute.Outcome.REFUND
    return Dispute.Outcome.SPLIT


def _fee_task():
    from ..tasks import fee_refund_execute_task

    return fee_refund_execute_task


def resolve_locked(*, milestone, dispute: Dispute, contractor_cents: int, actor, reason: str, offer: Offer | None = None,
                   request=None) -> Dispute:
    """Close the dispute and move the money. Caller holds the milestone and dispute locks."""
    require_open(dispute)
    check_transition(Dispute.TRANSITIONS, dispute.status, Dispute.Status.RESOLVED, label="dispute")
    amount = dispute.amount_cents
    refund_cents = amount - contractor_cents
    outcome = outcome_for(contractor_cents, amount)
    target = MILESTONE_STATUS[outcome]
    check_transition(Milestone.TRANSITIONS, milestone.status, target, label="milestone")
    now = timezone.now()
    release, refund = settlement.settlement_create(milestone=milestone, contractor_cents=contractor_cents,
                                                   refund_cents=refund_cents, reason=f"Dispute {dispute.pk}",
                                                   actor=actor, request=request)
    payment = settlement.succeeded_payment(milestone)
    fee_back = settlement.fee_refund_cents(milestone=milestone, payment=payment, refund_cents=refund_cents)
    milestone.status = target
    milestone.closed_at = now
    if contractor_cents:
        milestone.released_at = now
    milestone.save(update_fields=["status", "closed_at", "released_at", "updated_at"])
    dispute.status = Dispute.Status.RESOLVED
    dispute.outcome = outcome
    dispute.contractor_amount_cents = contractor_cents
    dispute.refund_cents = refund_cents
    dispute.fee_refund_cents = fee_back
    dispute.resolution_reason = reason
    dispute.resolved_by = actor if offer is None else None
    dispute.accepted_offer = offer
    dispute.resolved_at = now
    dispute.deadline_at = None
    dispute.save()
    Offer.objects.filter(dispute=dispute, status=Offer.Status.PENDING).update(
        status=Offer.Status.LAPSED, decided_at=now, updated_at=now)
    if fee_back:
        fee_refund = FeeRefund.objects.create(dispute=dispute, milestone=milestone, payment=payment,
                                              homeowner_id=dispute.contract.homeowner_id, amount_cents=fee_back,
                                              currency=dispute.currency)
        enqueue(_fee_task(), str(fee_refund.pk))
    summary = (f"{dispute.get_outcome_display()}: {format_cents(contractor_cents)} to the contractor, "
               f"{format_cents(refund_cents)} (+ {format_cents(fee_back)} fee) back to the homeowner.")
    event(dispute, DisputeEvent.Kind.RESOLVED, actor, summary)
    record(actor, "dispute.resolved", dispute, request=request, outcome=outcome, contractor_amount_cents=contractor_cents,
           refund_cents=refund_cents, fee_refund_cents=fee_back, offer=str(offer.pk) if offer else "",
           release=str(release.pk) if release else "", refund=str(refund.pk) if refund else "", reason=reason[:500])
    outbox.emit("dispute.resolved", dispute)
    contract = dispute.contract
    send_later("dispute.resolved", [contract.homeowner, contract.contractor], {
        **base_context(dispute), "milestone_title": milestone.title, "outcome": dispute.get_outcome_display(),
        "contractor_amount_cents": contractor_cents, "refund_cents": refund_cents + fee_back,
        "reason": reason[:500],
    }, dispute, key=f"resolved:{dispute.pk}")
    contract_services.contract_complete_if_done(contract=contract)
    return dispute


def dispute_resolve(*, actor, dispute_id, outcome: str, reason: str, contractor_amount_cents: int | None = None,
                    request=None) -> Dispute:
    """Staff decide: release, refund, or split with the contractor's amount, with a reason."""
    if actor is None or not actor.is_staff:
        raise PermissionDenied("Only staff can decide a dispute.")
    reason = (reason or "").strip()
    errors = {}
    if outcome not in Dispute.Outcome.values:
        errors["outcome"] = ["Choose release, refund or split."]
    if not reason:
        errors["reason"] = ["Explain the decision: both parties will read it."]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [f"At most {REASON_MAX} characters."]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    with transaction.atomic():
        milestone, dispute = lock_both(dispute_id)
        if not dispute.is_open:
            raise InvalidState(f"This dispute is already {dispute.get_status_display().lower()}.")
        amount = dispute.amount_cents
        if outcome == Dispute.Outcome.RELEASE:
            contractor = amount
        elif outcome == Dispute.Outcome.REFUND:
            contractor = 0
        else:
            field = "contractor_amount_cents"
            if not isinstance(contractor_amount_cents, int) or isinstance(contractor_amount_cents, bool):
                raise ValidationFailed("A split needs the contractor's amount.", fields={field: ["Required for a split."]})
            if not 0 < contractor_amount_cents < amount:
                message = (f"For a split the contractor's amount must be more than $0.00 and less than "
                           f"{format_cents(amount)}; use release or refund otherwise.")
                raise ValidationFailed(message, fields={field: [message]})
            contractor = contractor_amount_cents
        return resolve_locked(milestone=milestone, dispute=dispute, contractor_cents=contractor, actor=actor,
                              reason=reason, request=request)


# --- the fee refund -------------------------------------------------------------------
def fee_refund_execute(fee_refund_id) -> FeeRefund:
    """Perform one fee refund. Raises GatewayUnavailable for the task to retry (same key)."""
    with transaction.atomic():
        row = FeeRefund.objects.select_for_update().select_related("payment").get(pk=fee_refund_id)
        if row.status != FeeRefund.Status.PENDING or row.refund_id:
            return row
        row.attempts += 1
        row.save(update_fields=["attempts", "updated_at"])
    try:
        result = settlement.fee_refund_send(idempotency_key=row.idempotency_key, payment=row.payment,
                                            amount_cents=row.amount_cents,
                                            metadata={"fee_refund_id": str(row.pk), "dispute_id": str(row.dispute_id),
                                                      "milestone_id": str(row.milestone_id)})
    except GatewayUnavailable as exc:
        FeeRefund.objects.filter(pk=row.pk).update(last_error=exc.message[:500], updated_at=timezone.now())
        raise
    except GatewayRejected as exc:
        return fee_refund_mark_failed(fee_refund_id=row.pk, message=exc.message, code=exc.code)
    return fee_refund_apply(fee_refund_id=row.pk, provider_id=result.refund_id, status=result.status,
                            amount_cents=result.amount_cents)


def fee_refund_apply(*, fee_refund_id, provider_id: str, status: str, amount_cents: int | None) -> FeeRefund:
    if status in ("failed", "canceled"):
        return fee_refund_mark_failed(fee_refund_id=fee_refund_id, message=f"Stripe reports the refund {status}.",
                                      code=status)
    with transaction.atomic():
        milestone_id = FeeRefund.objects.values_list("milestone_id", flat=True).get(pk=fee_refund_id)
        milestone = lock_milestone(milestone_id)  # core.locks: job, contract, milestone, then the row
        row = FeeRefund.objects.select_for_update().get(pk=fee_refund_id)
        if row.status == FeeRefund.Status.SUCCEEDED:
            return row
        row.refund_id = row.refund_id or provider_id
        if status != "succeeded":  # pending at the provider: the sweeper asks again later
            row.save(update_fields=["refund_id", "updated_at"])
            return row
        if amount_cents is not None and amount_cents != row.amount_cents:
            row.save(update_fields=["refund_id", "updated_at"])
            alert_staff("fee_refund.amount_mismatch", row, "A fee refund at Stripe has an unexpected amount.",
                        expected=row.amount_cents, reported=amount_cents)
            return row
        check_transition(FeeRefund.TRANSITIONS, row.status, FeeRefund.Status.SUCCEEDED, label="fee refund")
        row.status = FeeRefund.Status.SUCCEEDED
        row.succeeded_at = timezone.now()
        row.last_error = ""
        row.save()
        settlement.fee_refund_book(key=str(row.pk), milestone=milestone, homeowner_id=row.homeowner_id,
                                   amount_cents=row.amount_cents, currency=row.currency, provider_id=row.refund_id)
        record(None, "dispute.fee_refunded", row.dispute, amount_cents=row.amount_cents, provider=row.refund_id)
    return row


def fee_refund_mark_failed(*, fee_refund_id, message: str, code: str = "") -> FeeRefund:
    with transaction.atomic():
        row = FeeRefund.objects.select_for_update().get(pk=fee_refund_id)
        if row.status != FeeRefund.Status.PENDING:
            return row
        row.status = FeeRefund.Status.FAILED
        row.last_error = (f"{code}: {message}" if code else message)[:500]
        row.save(update_fields=["status", "last_error", "updated_at"])
        alert_staff("fee_refund.failed", row, "Refunding the platform fee of a disputed milestone failed.",
                    error=row.last_error, dispute=str(row.dispute_id))
    return row


def fee_refund_retry(*, actor, fee_refund_id, request=None) -> FeeRefund:
    """Staff: send a failed fee refund again once its cause is fixed (a new key: nothing
    moved under the old one, and Stripe keeps its stored rejection for it)."""
    with transaction.atomic():
        row = FeeRefund.objects.select_for_update().get(pk=fee_refund_id)
        check_transition(FeeRefund.TRANSITIONS, row.status, FeeRefund.Status.PENDING, label="fee refund")
        row.status = FeeRefund.Status.PENDING
        row.refund_id = None
        row.key_generation += 1
        row.save(update_fields=["status", "refund_id", "key_generation", "updated_at"])
        record(actor, "dispute.fee_refund_retried", row.dispute, request=request, key=row.idempotency_key)
        enqueue(_fee_task(), str(row.pk))
    return row


def fee_refunds_sweep(*, now=None, stale_minutes: int = 10) -> int:
    """Re-run fee refunds left pending (lost task, worker killed, provider still pending)."""
    from ..tasks import fee_refund_execute_task

    cutoff = (now or timezone.now()) - timezone.timedelta(minutes=stale_minutes)
    rows = list(FeeRefund.objects.filter(status=FeeRefund.Status.PENDING, updated_at__lt=cutoff)
                .values_list("pk", "refund_id")[:500])
    for pk, provider_id in rows:
        if provider_id:
            try:
                remote = get_gateway().refund_retrieve(provider_id)
            except (GatewayUnavailable, GatewayRejected):
                continue
            fee_refund_apply(fee_refund_id=pk, provider_id=provider_id, status=remote.status,
                             amount_cents=remote.amount_cents)
        else:
            fee_refund_execute_task.delay(str(pk))
    return len(rows)
