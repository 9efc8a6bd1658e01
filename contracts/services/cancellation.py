"""Cancelling before any money is in escrow: a contract (the job goes back to reviewing for
another award) or the whole job (the contract, if any, is cancelled with it).

One cancellation path for web, API and admin. Locks follow core.locks: job, bids, contract.
"""

from django.db import transaction
from django.utils import timezone

import audit
from bids.models import Bid
from core.exceptions import InvalidState, PermissionDenied
from core.fsm import check_transition
from jobs.models import Job
from payments import services as money
from payments.gateways import GatewayError, get_gateway
from payments.models import Payment

from ..models import Contract, Milestone


def _lock_job_and_bids(job_id) -> Job:
    job = Job.objects.select_for_update().get(pk=job_id)
    list(Bid.objects.select_for_update().filter(job_id=job_id).values_list("pk", flat=True))
    return job


def _cancel_locked(contract: Contract, *, actor, request=None, job: Job | None = None) -> Contract:
    """awaiting_funding -> cancelled on a locked contract (job and bids locked before it).

    The accepted bid becomes not_selected. With `job` (already locked) the job returns to
    `reviewing` and the other bids become active again, so the homeowner may award another.
    """
    check_transition(Contract.TRANSITIONS, contract.status, Contract.Status.CANCELLED, label="contract")
    if contract.milestones.exclude(status=Milestone.Status.UNFUNDED).exists():
        raise InvalidState("A milestone of this contract has been funded; it can no longer be cancelled.")
    now = timezone.now()
    contract.status = Contract.Status.CANCELLED
    contract.cancelled_at = now
    contract.save(update_fields=["status", "cancelled_at", "updated_at"])
    Bid.objects.filter(pk=contract.bid_id).update(status=Bid.Status.NOT_SELECTED, decided_at=now, updated_at=now)
    if job is not None:
        check_transition(Job.TRANSITIONS, job.status, Job.Status.REVIEWING, label="job")
        # A closed account's bid is not revived: its contractor can no longer be hired.
        Bid.objects.filter(job=job, status=Bid.Status.NOT_SELECTED, contractor__is_active=True).exclude(
            pk=contract.bid_id).update(
            status=Bid.Status.ACTIVE, decided_at=None, updated_at=now
        )
        job.status = Job.Status.REVIEWING
        job.awarded_at = None
        job.save(update_fields=["status", "awarded_at", "updated_at"])
    audit.record(actor, "contract.cancelled", contract, request, job=str(contract.job_id), reopen_job=job is not None)
    return contract


def _close_open_checkouts(contract: Contract) -> None:
    """Close unpaid Checkout Sessions at the provider, outside any lock, so none can be paid
    after the contract is gone. A provider that cannot close one refuses the cancellation."""
    for payment in Payment.objects.filter(milestone__contract=contract, status__in=[Payment.Status.PENDING,
                                                                                    Payment.Status.FAILED]):
        try:
            closed = bool(payment.checkout_session_id) and get_gateway().checkout_expire(payment.checkout_session_id)
        except GatewayError as exc:
            raise InvalidState(f"The payment provider could not close the open checkout: {exc.message}") from exc
        if closed or not payment.checkout_session_id:
            money.payment_mark_expired(payment_id=payment.pk)


def contract_cancel(*, actor, contract_id, request=None) -> Contract:
    """awaiting_funding -> cancelled; the job returns to reviewing for another award.

    An open (unpaid) Checkout Session is closed at the provider first; any live payment
    refuses the cancellation.
    """
    contract = Contract.objects.select_related("homeowner").get(pk=contract_id)
    if actor is None or (contract.homeowner_id != actor.pk and not actor.is_staff):
        raise PermissionDenied("Only the homeowner can cancel this contract.")
    if contract.status != Contract.Status.AWAITING_FUNDING:
        raise InvalidState("Only a contract awaiting its first payment can be cancelled.")
    _close_open_checkouts(contract)
    with transaction.atomic():
        job = _lock_job_and_bids(contract.job_id)
        contract = Contract.objects.select_for_update().get(pk=contract_id)
        if Payment.objects.filter(milestone__contract=contract, status__in=Payment.LIVE).exists():
            raise InvalidState("A payment on this contract is in progress or done; it can no longer be cancelled.")
        return _cancel_locked(contract, actor=actor, request=request, job=job)


def job_cancel(*, actor, job: Job, request=None, reason: str = "") -> Job:
    """open/reviewing, or awarded while no milestone has been funded (the contract is
    cancelled too, its open checkouts closed first as in contract_cancel)."""
    if not (actor is not None and actor.is_staff) and (actor is None or job.homeowner_id != actor.pk):
        raise PermissionDenied("Only the homeowner who posted this job can do that.")
    live = Contract.objects.filter(job_id=job.pk).exclude(status=Contract.Status.CANCELLED).first()
    if live is not None and live.status == Contract.Status.AWAITING_FUNDING:
        _close_open_checkouts(live)
    with transaction.atomic():
        job = _lock_job_and_bids(job.pk)
        check_transition(Job.TRANSITIONS, job.status, Job.Status.CANCELLED, label="job")
        if job.status == Job.Status.AWARDED:
            contract = Contract.objects.select_for_update().filter(job=job).exclude(status="cancelled").first()
            if contract is not None:
                if contract.status != Contract.Status.AWAITING_FUNDING or Payment.objects.filter(
                        milestone__contract=contract, status__in=Payment.LIVE).exists():
                    raise InvalidState("Money is already in escrow for this job; open a dispute instead of "
                                       "cancelling.")
                _cancel_locked(contract, actor=actor, request=request)
        now = timezone.now()
        Bid.objects.filter(job=job, status__in=["active", "accepted"]).update(
            status=Bid.Status.NOT_SELECTED, decided_at=now, updated_at=now
        )
        job.status = Job.Status.CANCELLED
        job.cancelled_at = now
        job.save(update_fields=["status", "cancelled_at", "updated_at"])
        audit.record(actor, "job.cancelled", job, request, reason=reason[:500] or None)
    return job
