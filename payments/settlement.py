"""Settling a disputed milestone: the primitives the payments services did not have.

- `settlement_create` splits a milestone's escrow between a release to the contractor and
  a refund to the homeowner (either part may be zero) through the existing
  `release_create` / `refund_create`, inside the caller's transaction with the milestone
  locked. Together the two parts must take the whole escrow, so it ends at zero.
- The platform fee is not in escrow (it was booked to `platform:fees` at funding), so the
  fee on a refunded amount needs its own refund: `fee_refund_cents` computes it once for
  the whole milestone and the caller queues it with `services.fee_refund_create` (a
  Refund of kind `fee`, on the one refund path).
"""

from core.exceptions import InvalidState, ValidationFailed

from .models import Payment, Refund, Release
from .services import refund_create, release_create
from .services.common import lock_escrow


def settlement_create(*, milestone, contractor_cents: int, refund_cents: int, reason: str, actor=None,
                      request=None) -> tuple[Release | None, Refund | None]:
    """Reserve the whole escrow of a locked milestone for a release and/or a refund and
    queue both (after commit). Raises before anything is written if the parts do not add
    up to what is held."""
    for value in (contractor_cents, refund_cents):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValidationFailed("Settlement amounts are non-negative integer cents.")
    if contractor_cents + refund_cents == 0:
        raise ValidationFailed("A settlement must move some money.")
    escrow = lock_escrow(milestone)
    if escrow.reserved_cents or contractor_cents + refund_cents != escrow.held_cents:
        raise InvalidState(
            f"The escrow of this milestone holds {escrow.held_cents} cents with {escrow.reserved_cents} already "
            f"promised; a settlement must divide exactly what is held.")
    release = refund = None
    if contractor_cents:
        release = release_create(milestone=milestone, amount_cents=contractor_cents, reason=Release.Reason.DISPUTE,
                                 actor=actor, request=request)
    if refund_cents:
        refund = refund_create(milestone=milestone, amount_cents=refund_cents, reason=reason or "Dispute outcome",
                               actor=actor, request=request)
    return release, refund


def succeeded_payment(milestone) -> Payment | None:
    return Payment.objects.filter(milestone=milestone, status=Payment.Status.SUCCEEDED).first()


def fee_refund_cents(*, milestone, payment: Payment, refund_cents: int) -> int:
    """The fee going back with a refunded part: the fee charged for the whole milestone is
    divided between the two parts, the platform keeping the contractor's share of it rounded
    down, so the parts add up to exactly the fee paid and the platform never keeps more
    than its rate on what the contractor got. All of it for a full refund."""
    if refund_cents <= 0 or payment is None or not payment.fee_cents:
        return 0
    if refund_cents >= payment.amount_cents:
        return payment.fee_cents
    kept = payment.fee_cents * (payment.amount_cents - refund_cents) // payment.amount_cents
    return payment.fee_cents - kept
