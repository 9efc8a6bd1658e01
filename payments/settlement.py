"""Settling a disputed milestone: the primitives the payments services did not have.

- `settlement_create` splits a milestone's escrow between a release to the contractor and
  a refund to the homeowner (either part may be zero) through the existing
  `release_create` / `refund_create`, inside the caller's transaction with the milestone
  locked. Together the two parts must take the whole escrow, so it ends at zero.
- The platform fee is not in escrow (it was booked to `platform:fees` at funding), so the
  fee on a refunded amount needs its own refund: `fee_refund_cents` computes it,
  `fee_refund_send` asks the gateway (idempotency key from the caller's row), and
  `fee_refund_book` posts it to the ledger exactly once (keys derived from the row).

The row that drives a fee refund (its status, attempts, provider id) belongs to the caller
(disputes.FeeRefund); these functions only move money and book it.
"""

from core.exceptions import InvalidState, ValidationFailed
from core.money import fee_cents

from . import ledger
from .gateways import RefundResult, get_gateway
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
    """The fee on the refunded part: all of it for a full refund, otherwise the contract's
    fee rate on the refunded amount (half up, as charged), never more than was paid."""
    if refund_cents <= 0 or payment is None or not payment.fee_cents:
        return 0
    if refund_cents >= milestone.amount_cents:
        return payment.fee_cents
    return min(fee_cents(refund_cents, milestone.contract.fee_bps), payment.fee_cents)


def fee_refund_send(*, idempotency_key: str, payment: Payment, amount_cents: int, metadata: dict) -> RefundResult:
    """One gateway refund of (part of) the fee. Call it outside any transaction; repeating it
    with the same key returns the provider's stored answer, never a second refund.
    Raises GatewayUnavailable (retry, same key) or GatewayRejected (terminal)."""
    if not isinstance(amount_cents, int) or amount_cents <= 0 or amount_cents > payment.fee_cents:
        raise ValidationFailed("A fee refund must be positive and at most the fee paid.")
    return get_gateway().refund_create(idempotency_key=idempotency_key, payment_intent_id=payment.payment_intent_id,
                                       amount_cents=amount_cents, metadata={"kind": "fee_refund", **metadata})


def fee_refund_book(*, key: str, milestone, homeowner_id, amount_cents: int, currency: str, provider_id: str) -> bool:
    """Book a fee refund that the provider confirmed: the fee leaves our revenue, is owed to
    the homeowner, and is paid out from our Stripe balance. Idempotent by `key`."""
    owed = ledger.homeowner_refunds(homeowner_id)
    _, created = ledger.post(kind="refund", key=f"fee-refund:{key}:refunded", milestone=milestone,
                             entries=[(ledger.PLATFORM_FEES, amount_cents, currency), (owed, -amount_cents, currency)],
                             memo=f"Fee on milestone {milestone.position} refunded")
    ledger.post(kind="refund_payout", key=f"fee-refund:{key}:paid", milestone=milestone,
                entries=[(owed, amount_cents, currency), (ledger.STRIPE_BALANCE, -amount_cents, currency)],
                memo=f"Stripe refund {provider_id}")
    return created
