"""Contract writes owned by the award: creation from a bid and cancellation before funding.

Funding, submission, approval and release live with the escrow code (payments/), which
moves milestones through Milestone.TRANSITIONS.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

import audit
from core import outbox
from core.exceptions import InvalidState, PermissionDenied
from core.fsm import check_transition
from core.money import fee_cents

from .models import Contract, Milestone


def contract_create_from_bid(bid, *, job) -> Contract:
    """Copy the accepted bid's terms and schedule. The caller holds the job's row lock."""
    bps = settings.PLATFORM_FEE_BPS
    contract = Contract.objects.create(
        job=job, bid=bid, homeowner_id=job.homeowner_id, contractor_id=bid.contractor_id,
        total_cents=bid.amount_cents, fee_bps=bps, currency=bid.currency,
    )
    Milestone.objects.bulk_create(
        Milestone(
            contract=contract, position=row.position, title=row.title, amount_cents=row.amount_cents,
            fee_cents=fee_cents(row.amount_cents, bps),
        )
        for row in bid.milestones.order_by("position")
    )
    outbox.emit("contract.created", contract)
    return contract


def contract_cancel_locked(contract: Contract, *, actor, request=None, reopen_job: bool = True) -> Contract:
    """awaiting_funding -> cancelled on a locked contract; the caller holds the transaction.

    The accepted bid becomes not_selected. With reopen_job the job returns to `reviewing`
    and the other bids become active again, so the homeowner may award another one.
    """
    from bids.models import Bid
    from jobs.models import Job

    check_transition(Contract.TRANSITIONS, contract.status, Contract.Status.CANCELLED, label="contract")
    if contract.milestones.exclude(status=Milestone.Status.UNFUNDED).exists():
        raise InvalidState("A milestone of this contract has been funded; it can no longer be cancelled.")
    now = timezone.now()
    contract.status = Contract.Status.CANCELLED
    contract.cancelled_at = now
    contract.save(update_fields=["status", "cancelled_at", "updated_at"])
    Bid.objects.filter(pk=contract.bid_id).update(status=Bid.Status.NOT_SELECTED, decided_at=now, updated_at=now)
    if reopen_job:
        job = Job.objects.select_for_update().get(pk=contract.job_id)
        check_transition(Job.TRANSITIONS, job.status, Job.Status.REVIEWING, label="job")
        Bid.objects.filter(job=job, status=Bid.Status.NOT_SELECTED).exclude(pk=contract.bid_id).update(
            status=Bid.Status.ACTIVE, decided_at=None, updated_at=now
        )
        job.status = Job.Status.REVIEWING
        job.awarded_at = None
        job.save(update_fields=["status", "awarded_at", "updated_at"])
    audit.record(actor, "contract.cancelled", contract, request, job=str(contract.job_id), reopen_job=reopen_job)
    return contract


@transaction.atomic
def contract_cancel(*, actor, contract: Contract, request=None) -> Contract:
    from jobs.models import Job

    # Lock order everywhere: job, then contract (the award locks the job first too).
    Job.objects.select_for_update().get(pk=contract.job_id)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if actor is None or (contract.homeowner_id != actor.pk and not actor.is_staff):
        raise PermissionDenied("Only the homeowner can cancel this contract.")
    return contract_cancel_locked(contract, actor=actor, request=request, reopen_job=True)
