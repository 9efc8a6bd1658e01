"""Funding a milestone: the homeowner starts a payment; the money landing in escrow funds it.

Money itself moves only through payments.services (Payment rows and the ledger); this
module decides *when*. Locks follow core.locks.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

import audit
from core import outbox
from core.exceptions import InvalidState
from core.fsm import check_transition
from payments import services as money
from payments.alerts import alert_staff
from payments.models import Payment
from payments.notify import send

from ..models import Contract, Milestone
from .common import contract_url, lock_milestone, require


def milestone_fund(*, actor, milestone_id, request=None) -> Payment:
    """Start paying a milestone (amount + fee). Returns the payment with its checkout URL;
    with the simulated gateway the milestone is funded when this returns."""
    with transaction.atomic():
        # Contract locked too (core.locks: job, contract, milestone) so a concurrent
        # cancellation and a new payment cannot both commit.
        milestone = lock_milestone(milestone_id)
        contract = milestone.contract
        require(actor, contract.homeowner, "Only the homeowner can fund a milestone.")
        if contract.status not in (Contract.Status.AWAITING_FUNDING, Contract.Status.ACTIVE):
            raise InvalidState(f"This contract is {contract.get_status_display().lower()}; it takes no payments.")
        if milestone.status != Milestone.Status.UNFUNDED:
            raise InvalidState("This milestone is already funded.")
        payment = money.payment_open_for(milestone)
        if payment is None:
            payment = money.payment_create(milestone=milestone, payer=actor)
            audit.record(actor, "milestone.fund_started", milestone, request=request, payment=str(payment.pk),
                         total_cents=payment.total_cents)
    # The provider call happens after commit, with no lock held; repeating it is safe.
    return money.payment_checkout(payment=payment)


def milestone_mark_funded(*, milestone: Milestone, payment: Payment) -> None:
    """The money is in escrow. Called by payments (through payments.hooks) inside the
    transaction that booked it, with job, contract and milestone locked by lock_milestone."""
    contract = milestone.contract
    if milestone.status != Milestone.Status.UNFUNDED or contract.status not in (Contract.Status.AWAITING_FUNDING,
                                                                               Contract.Status.ACTIVE):
        # Cannot happen through our services (one live payment per milestone; cancelling
        # closes open checkouts first), but money that arrives anyway is never lost: it is
        # booked into escrow and staff are told to refund it.
        alert_staff("milestone.unexpected_payment", milestone, "A payment arrived for a milestone that is not "
                    "awaiting payment; its money is held in escrow for staff to refund.", payment=str(payment.pk),
                    milestone_status=milestone.status, contract_status=contract.status)
        return
    check_transition(Milestone.TRANSITIONS, milestone.status, Milestone.Status.FUNDED, label="milestone")
    now = timezone.now()
    milestone.status = Milestone.Status.FUNDED
    milestone.funded_at = now
    milestone.save(update_fields=["status", "funded_at", "updated_at"])
    if contract.status == Contract.Status.AWAITING_FUNDING:
        check_transition(Contract.TRANSITIONS, contract.status, Contract.Status.ACTIVE, label="contract")
        contract.status = Contract.Status.ACTIVE
        contract.activated_at = now
        contract.save(update_fields=["status", "activated_at", "updated_at"])
        audit.record(None, "contract.activated", contract)
    audit.record(payment.payer, "milestone.funded", milestone, payment=str(payment.pk))
    outbox.emit("milestone.funded", milestone)
    url = contract_url(contract)
    send("milestone.funded", [contract.contractor],
         {"job_title": contract.job.title, "milestone_title": milestone.title, "amount_cents": milestone.amount_cents,
          "url": url}, milestone, key=f"funded:{payment.pk}")
    send("payment.receipt", [contract.homeowner],
         {"job_title": contract.job.title, "milestone_title": milestone.title, "amount_cents": payment.amount_cents,
          "fee_cents": payment.fee_cents, "total_cents": payment.total_cents,
          "receipt_number": payment.receipt_number, "paid_at": now,
          "url": reverse("payments:receipt", args=[payment.pk])}, payment, key=f"receipt:{payment.pk}")
