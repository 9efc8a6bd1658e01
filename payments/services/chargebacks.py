"""Card disputes (chargebacks): the homeowner's bank takes a charge back through Stripe.

Stripe tells us by webhook (charge.dispute.created / updated / funds_withdrawn /
funds_reinstated / closed). Every event carries the whole dispute object, including its
balance transactions, so each event is applied the same way, in any order, any number of
times: the row is created or brought up to date, every balance transaction not yet in the
ledger is booked (keyed by its Stripe id), and a decided dispute is settled once.

Money, debit-positive (payments.ledger):
- withdrawn: stripe:balance -(amount + fee), platform:chargebacks +amount, platform:dispute_fees +fee
- reinstated (won): the same with the signs Stripe gives (money and, if returned, the fee back)
- lost: platform:chargebacks is cleared against what the money was: the milestone's free
  escrow first (the homeowner got it back through the bank), then the fee we kept on it,
  and the rest is a platform loss (money already released to the contractor). Staff may
  start a recovery of that loss from the contractor's future releases.

While a dispute is open the milestone's escrow is frozen: no release or refund is created
or sent (releases already queued are held and resumed when it closes).
"""

from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

import audit
from core.exceptions import InvalidState, PermissionDenied, ValidationFailed
from core.fsm import check_transition

from .. import ledger
from ..alerts import alert_staff
from ..hooks import milestone_owner
from ..models import Chargeback, MilestoneEscrow, Payment, Release
from .common import escrow_freeze, escrow_unfreeze, lock_escrow, lock_milestone
from .refunds import fees_kept_cents
from .releases import releases_resume_held

OUTCOMES = {"won": Chargeback.Outcome.WON, "lost": Chargeback.Outcome.LOST,
            "warning_closed": Chargeback.Outcome.CLOSED}


def _id(value) -> str:
    return value.get("id", "") if isinstance(value, dict) else (value or "")


def payment_for_charge(dispute: dict) -> Payment | None:
    filters = Q()
    if _id(dispute.get("payment_intent")):
        filters |= Q(payment_intent_id=_id(dispute["payment_intent"]))
    if _id(dispute.get("charge")):
        filters |= Q(charge_id=_id(dispute["charge"]))
    return Payment.objects.filter(filters).first() if filters else None


def _due_by(dispute: dict):
    due = (dispute.get("evidence_details") or {}).get("due_by")
    try:
        return datetime.fromtimestamp(int(due), tz=UTC) if due else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _open(payment: Payment, dispute: dict, milestone) -> Chargeback:
    amount = dispute.get("amount")
    if not isinstance(amount, int) or amount <= 0:
        raise ValidationFailed(f"Dispute {dispute.get('id')} has no positive amount: {amount!r}.")
    escrow = lock_escrow(milestone)
    released = Release.objects.filter(milestone=milestone, status=Release.Status.SUCCEEDED).aggregate(
        s=Sum("amount_cents"))["s"] or 0
    chargeback = Chargeback.objects.create(
        payment=payment, milestone=milestone, dispute_id=dispute["id"], charge_id=_id(dispute.get("charge")),
        amount_cents=amount, currency=dispute.get("currency") or payment.currency,
        escrow_frozen_cents=escrow.held_cents, released_before_cents=released,
    )
    if not payment.disputed_at:
        payment.disputed_at = timezone.now()
        payment.save(update_fields=["disputed_at", "updated_at"])
    if escrow.held_cents:
        escrow_freeze(escrow, f"card dispute {dispute['id']}")
    alert_staff("payment.chargeback", chargeback, "The homeowner's bank opened a card dispute on a milestone payment.",
                dispute=dispute["id"], disputed=amount, reason=dispute.get("reason") or "",
                escrow_frozen=escrow.held_cents, already_released=released, fee_charged=payment.fee_cents,
                milestone=str(milestone.pk), evidence_due_by=str(_due_by(dispute) or ""))
    return chargeback


def _book_balance_transactions(chargeback: Chargeback, dispute: dict, milestone) -> None:
    for bt in dispute.get("balance_transactions") or []:
        if not isinstance(bt, dict) or not bt.get("id"):
            continue
        amount, fee = bt.get("amount"), bt.get("fee") or 0
        if not isinstance(amount, int) or not isinstance(fee, int) or amount == 0:
            raise ValidationFailed(f"Balance transaction {bt.get('id')} has unusable amounts: {amount!r}, {fee!r}.")
        cur = bt.get("currency") or chargeback.currency
        _, booked = ledger.post(
            kind="chargeback", key=f"chargeback:bt:{bt['id']}", milestone=milestone, reference=bt["id"],
            entries=ledger.nonzero([(ledger.STRIPE_BALANCE, amount - fee, cur),
                                    (ledger.PLATFORM_CHARGEBACKS, -amount, cur),
                                    (ledger.PLATFORM_DISPUTE_FEES, fee, cur)]),
            memo=f"Card dispute {chargeback.dispute_id}: " + ("funds withdrawn" if amount < 0 else "funds reinstated"),
        )
        if booked:
            if amount < 0:
                chargeback.withdrawn_cents += -amount
            else:
                chargeback.reinstated_cents += amount
            chargeback.fees_cents += fee
            audit.record(None, "chargeback.funds_withdrawn" if amount < 0 else "chargeback.funds_reinstated",
                         chargeback, amount_cents=amount, fee_cents=fee, balance_transaction=bt["id"])


def _settle_loss(chargeback: Chargeback, milestone) -> None:
    """Clear what the bank kept against escrow, then fee, then platform loss. Runs again
    (booking only the difference) if a withdrawal is learned of after the outcome."""
    allocated = chargeback.lost_from_escrow_cents + chargeback.lost_from_fees_cents + chargeback.loss_cents
    outstanding = chargeback.withdrawn_cents - chargeback.reinstated_cents - allocated
    if outstanding <= 0:
        return
    escrow = lock_escrow(milestone)
    cur = chargeback.currency
    from_escrow = min(outstanding, escrow.available_cents)
    from_fees = min(outstanding - from_escrow, max(fees_kept_cents(milestone.pk), 0))
    loss = outstanding - from_escrow - from_fees
    ledger.post(kind="chargeback_lost", key=f"chargeback:{chargeback.dispute_id}:lost:{allocated}", milestone=milestone,
                entries=ledger.nonzero([(ledger.escrow_account(milestone.pk), from_escrow, cur),
                                        (ledger.PLATFORM_FEES, from_fees, cur),
                                        (ledger.PLATFORM_LOSSES, loss, cur),
                                        (ledger.PLATFORM_CHARGEBACKS, -outstanding, cur)]),
                memo=f"Card dispute {chargeback.dispute_id} lost")
    if from_escrow:
        escrow.held_cents -= from_escrow
        escrow.refunded_cents += from_escrow  # it went back to the homeowner, through the bank
        escrow.save()
    chargeback.lost_from_escrow_cents += from_escrow
    chargeback.lost_from_fees_cents += from_fees
    chargeback.loss_cents += loss
    if from_escrow:
        milestone_owner().escrow_returned(milestone=milestone, cause="chargeback", amount_cents=from_escrow,
                                          escrow_left_cents=escrow.held_cents, reference=chargeback.dispute_id)
    alert_staff("chargeback.lost", chargeback, "A card dispute was lost: the bank kept the money.",
                dispute=chargeback.dispute_id, kept=outstanding, from_escrow=from_escrow, from_fees=from_fees,
                platform_loss=loss, escrow_left=escrow.held_cents, milestone=str(milestone.pk))


def _lift_freeze(chargeback: Chargeback, milestone) -> None:
    still_open = Chargeback.objects.filter(milestone=milestone, outcome=Chargeback.Outcome.OPEN).exclude(
        pk=chargeback.pk).exists()
    # Read without a lock (the milestone lock serialises every writer of this escrow), so
    # the held releases are locked before the escrow row, in the core lock order.
    frozen_by = MilestoneEscrow.objects.filter(milestone=milestone).values_list("frozen_reason", flat=True).first()
    if still_open or not (frozen_by or "").startswith("card dispute"):
        return  # another dispute, or staff's freeze after an outside refund, still holds it
    releases_resume_held(milestone_id=milestone.pk)
    escrow_unfreeze(lock_escrow(milestone), note=f"card dispute {chargeback.dispute_id} {chargeback.outcome}")


def chargeback_apply(*, dispute: dict, source: str) -> Chargeback | None:
    """Apply Stripe's current view of one dispute. None if no payment of ours matches."""
    if not dispute.get("id"):
        raise ValidationFailed("A dispute object without an id.")
    payment = payment_for_charge(dispute)
    if payment is None:
        return None
    with transaction.atomic():
        milestone = lock_milestone(payment.milestone_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        chargeback = Chargeback.objects.select_for_update().filter(dispute_id=dispute["id"]).first()
        if chargeback is None:
            chargeback = _open(payment, dispute, milestone)
        if chargeback.outcome == Chargeback.Outcome.OPEN:  # a decision is final: an older event never undoes it
            chargeback.stripe_status = (dispute.get("status") or chargeback.stripe_status)[:40]
        chargeback.reason = (dispute.get("reason") or chargeback.reason)[:60]
        chargeback.evidence_due_by = _due_by(dispute) or chargeback.evidence_due_by
        _book_balance_transactions(chargeback, dispute, milestone)
        decided = OUTCOMES.get(chargeback.stripe_status)
        if decided and chargeback.outcome == Chargeback.Outcome.OPEN:
            check_transition(Chargeback.TRANSITIONS, chargeback.outcome, decided, label="chargeback")
            chargeback.outcome = decided
            chargeback.closed_at = timezone.now()
            audit.record(None, f"chargeback.{decided}", chargeback, source=source, dispute=chargeback.dispute_id)
            if decided == Chargeback.Outcome.WON:
                alert_staff("chargeback.won", chargeback, "A card dispute was won: the money is back.",
                            dispute=chargeback.dispute_id, reinstated=chargeback.reinstated_cents)
        if chargeback.outcome == Chargeback.Outcome.LOST:
            _settle_loss(chargeback, milestone)
        chargeback.save()
        if chargeback.outcome != Chargeback.Outcome.OPEN:
            _lift_freeze(chargeback, milestone)
    return chargeback


# --- staff ----------------------------------------------------------------------------------
def chargeback_recovery_start(*, actor, chargeback_id, amount_cents: int | None = None, request=None) -> Chargeback:
    """Staff: recover (part of) a lost chargeback's platform loss from the contractor's
    future releases. The amount is kept back from their next transfers and booked back to
    platform:losses as each release succeeds."""
    if actor is None or not actor.is_staff:
        raise PermissionDenied("Only staff can start a recovery.")
    with transaction.atomic():
        chargeback = (Chargeback.objects.select_for_update(of=("self",))
                      .select_related("milestone__contract").get(pk=chargeback_id))
        if chargeback.outcome != Chargeback.Outcome.LOST or not chargeback.loss_cents:
            raise InvalidState("Only a lost chargeback the platform bore a loss on can be recovered.")
        if chargeback.recovery_started_at:
            raise InvalidState("A recovery of this chargeback has already started.")
        amount = chargeback.loss_cents if amount_cents is None else amount_cents
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= chargeback.loss_cents:
            raise ValidationFailed(f"Recover between 1 cent and the loss of {chargeback.loss_cents} cents.")
        chargeback.recovery_contractor_id = chargeback.milestone.contract.contractor_id
        chargeback.recovery_cents = amount
        chargeback.recovery_started_at = timezone.now()
        chargeback.save(update_fields=["recovery_contractor", "recovery_cents", "recovery_started_at", "updated_at"])
        audit.record(actor, "chargeback.recovery_started", chargeback, request=request, amount_cents=amount,
                     contractor=str(chargeback.recovery_contractor_id))
    return chargeback


def escrow_unfreeze_by_staff(*, actor, milestone_id, note: str, request=None) -> MilestoneEscrow:
    """Staff lift a freeze after looking (e.g. an outside refund they meant to make)."""
    if actor is None or not actor.is_staff:
        raise PermissionDenied("Only staff can unfreeze escrow.")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed("Say why the escrow may move again.", fields={"note": ["Required."]})
    with transaction.atomic():
        milestone = lock_milestone(milestone_id)
        if Chargeback.objects.filter(milestone=milestone, outcome=Chargeback.Outcome.OPEN).exists():
            raise InvalidState("A card dispute on this milestone is still open at the bank.")
        if not MilestoneEscrow.objects.filter(milestone=milestone).exclude(frozen_at=None).exists():
            raise InvalidState("This escrow is not frozen.")
        releases_resume_held(milestone_id=milestone.pk)  # release rows before the escrow row
        escrow = lock_escrow(milestone)
        escrow_unfreeze(escrow, actor=actor, note=note, request=request)
    return escrow
