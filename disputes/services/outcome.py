"""Outcomes: release, refund or split, executed through the payments services in the same
transaction as the decision (Release/Refund rows reserved, tasks queued after commit).

The platform fee on the refunded part goes back to the homeowner too: a payments Refund of
kind `fee`, which the one refund path of payments performs, polls, retries and books."""

from django.db import transaction
from django.utils import timezone

from contracts import services as contract_services
from contracts.models import Milestone
from core.exceptions import InvalidState, PermissionDenied, ValidationFailed
from core.fsm import check_transition
from core.money import format_cents
from payments import settlement
from payments.services import fee_refund_create

from ..models import Dispute, DisputeEvent, Offer
from .common import base_context, event, lock_both, record, require_open, send_later

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
        dispute.fee_refund = fee_refund_create(milestone=milestone, amount_cents=fee_back, actor=actor,
                                               reason=f"Platform fee on the refunded part, dispute {dispute.pk}",
                                               request=request)
        dispute.save(update_fields=["fee_refund", "updated_at"])
    summary = (f"{dispute.get_outcome_display()}: {format_cents(contractor_cents)} to the contractor, "
               f"{format_cents(refund_cents)} (+ {format_cents(fee_back)} fee) back to the homeowner.")
    event(dispute, DisputeEvent.Kind.RESOLVED, actor, summary)
    record(actor, "dispute.resolved", dispute, request=request, outcome=outcome, contractor_amount_cents=contractor_cents,
           refund_cents=refund_cents, fee_refund_cents=fee_back, offer=str(offer.pk) if offer else "",
           release=str(release.pk) if release else "", refund=str(refund.pk) if refund else "", reason=reason[:500])
    contract = dispute.contract
    send_later("dispute.resolved", [contract.homeowner, contract.contractor], {
        **base_context(dispute), "milestone_title": milestone.title, "outcome": dispute.get_outcome_display(),
        "contractor_amount_cents": contractor_cents, "refund_cents": refund_cents + fee_back,
        "reason": reason[:500],
    }, dispute, key=f"resolved:{dispute.pk}")
    contract_services.contract_complete_if_done(contract=contract)
    return dispute


def decision_contractor_cents(dispute: Dispute, outcome: str, contractor_amount_cents: int | None) -> int:
    """What the contractor receives for a staff decision (the rest is refunded); also used
    by the admin's confirmation step to state the amounts before anything moves."""
    amount = dispute.amount_cents
    if outcome == Dispute.Outcome.RELEASE:
        return amount
    if outcome == Dispute.Outcome.REFUND:
        return 0
    field = "contractor_amount_cents"
    if not isinstance(contractor_amount_cents, int) or isinstance(contractor_amount_cents, bool):
        raise ValidationFailed("A split needs the contractor's amount.", fields={field: ["Required for a split."]})
    if not 0 < contractor_amount_cents < amount:
        message = (f"For a split the contractor's amount must be more than $0.00 and less than "
                   f"{format_cents(amount)}; use release or refund otherwise.")
        raise ValidationFailed(message, fields={field: [message]})
    return contractor_amount_cents


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
        contractor = decision_contractor_cents(dispute, outcome, contractor_amount_cents)
        return resolve_locked(milestone=milestone, dispute=dispute, contractor_cents=contractor, actor=actor,
                              reason=reason, request=request)
