"""The one place payments reaches the milestone lifecycle above it, without importing it.

payments sits below contracts (ARCHITECTURE.md layers): it knows money and nothing about
contracts. Two things still need the owner of the milestone:

- locking: payments' own rows come after the milestone in the global lock order
  (core.locks), and the rows above the milestone (job, contract) belong to contracts;
- funding: money that lands in escrow (a Stripe webhook, the simulated gateway's instant
  checkout) must fund the milestone in the same transaction that books it;
- money leaving escrow without the lifecycle asking (a lost chargeback, a refund made in
  the Stripe dashboard): the owner closes the milestone if nothing is left, or tells both
  parties what is left, in the same transaction that booked the loss.

contracts registers its functions here, explicitly, in ``ContractsConfig.ready``. Using
payments without a registered owner is a configuration error, raised loudly, never a
silent skip (a payment that books money but funds nothing would strand it).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class MilestoneOwner:
    # (milestone_id) -> the milestone, locked with everything above it in core.locks order;
    # milestone.contract must be loaded.
    lock_milestone: Callable
    # (*, milestone, payment) -> None: the payment succeeded and is booked into escrow; called
    # inside that transaction with the milestone locked through lock_milestone.
    milestone_funded: Callable
    # (*, milestone, cause, amount_cents, escrow_left_cents, reference) -> None: the bank
    # (cause "chargeback") or a refund made outside our code (cause "outside_refund") took
    # amount_cents of this milestone's escrow back to the homeowner; escrow_left_cents is
    # what the escrow still holds. Called inside the transaction that booked it, with the
    # milestone locked through lock_milestone.
    escrow_returned: Callable


_owner: MilestoneOwner | None = None


def register_milestone_owner(owner: MilestoneOwner) -> None:
    global _owner
    if _owner is not None and _owner != owner:
        raise ImproperlyConfigured("payments already has a milestone owner; there is exactly one.")
    _owner = owner


def milestone_owner() -> MilestoneOwner:
    if _owner is None:
        raise ImproperlyConfigured("No milestone owner is registered with payments.hooks (contracts.apps does it).")
    return _owner
