"""Small helpers shared by the money services."""

import logging

from django.db import transaction
from django.utils import timezone

import audit

from ..hooks import milestone_owner
from ..models import MilestoneEscrow


def lock_milestone(milestone_id):
    """The milestone, locked with the rows above it by its owner (core.locks: they come
    before this app's payment/release/refund rows, then escrow). payments never imports
    contracts; the owner is registered in payments.hooks."""
    return milestone_owner().lock_milestone(milestone_id)


def lock_escrow(milestone) -> MilestoneEscrow:
    escrow, _ = MilestoneEscrow.objects.select_for_update().get_or_create(
        milestone=milestone, defaults={"currency": milestone.contract.currency}
    )
    return escrow


def escrow_freeze(escrow: MilestoneEscrow, reason: str) -> bool:
    """Stop every outflow of a locked escrow row (new releases/refunds refused, pending ones
    held). Returns False if it was frozen already (the first reason stays)."""
    if escrow.frozen:
        return False
    escrow.frozen_at = timezone.now()
    escrow.frozen_reason = reason[:200]
    escrow.save(update_fields=["frozen_at", "frozen_reason", "updated_at"])
    audit.record(None, "escrow.frozen", escrow, reason=reason[:200], held_cents=escrow.held_cents,
                 milestone=str(escrow.milestone_id))
    return True


def escrow_unfreeze(escrow: MilestoneEscrow, *, actor=None, note: str = "", request=None) -> bool:
    if not escrow.frozen:
        return False
    audit.record(actor, "escrow.unfrozen", escrow, request=request, was=escrow.frozen_reason, note=note[:500],
                 milestone=str(escrow.milestone_id))
    escrow.frozen_at = None
    escrow.frozen_reason = ""
    escrow.save(update_fields=["frozen_at", "frozen_reason", "updated_at"])
    return True


logger = logging.getLogger(__name__)


def enqueue(task, *args) -> None:
    """Queue a Celery task once the surrounding transaction has committed.

    A broker outage (or, in eager mode, a provider outage) must not turn a committed
    approval into an error page: the row is pending and the sweeper re-queues it.
    """

    def send():
        try:
            task.delay(*args)
        except Exception:
            logger.exception("could not queue %s%s; the sweeper will retry", task.name, args)

    transaction.on_commit(send)
