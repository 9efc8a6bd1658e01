"""The award: the homeowner accepts a bid and a contract is created from its terms.

It lives here, not in bids, because it creates a contract: bids sits below contracts and
never imports it (ARCHITECTURE.md layers). Locks follow core.locks: job, then bid.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

import audit
from bids import announce
from bids.models import Bid
from core import outbox
from core.exceptions import Conflict, InvalidState, PermissionDenied, ValidationFailed
from core.fsm import check_transition
from core.money import fee_cents
from jobs.models import Job

from ..models import Contract, Milestone


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


@transaction.atomic
def bid_accept(*, actor, bid: Bid, request=None) -> Contract:
    """Award: the job's row lock serialises concurrent accepts; the partial unique
    constraints (one accepted bid, one live contract per job) back it up."""
    job = Job.objects.select_for_update().get(pk=bid.job_id)
    if actor is None or job.homeowner_id != actor.pk:
        raise PermissionDenied("Only the homeowner who posted this job can award it.")
    if not actor.phone_verified:  # issue 6: awarding, like bidding, needs a verified phone
        raise PermissionDenied("Verify your phone number before awarding a job.", code="phone_unverified")
    if job.status != Job.Status.REVIEWING:
        if job.status == Job.Status.OPEN:
            raise InvalidState("Bids are still sealed. Close bidding first, then compare and award.")
        raise InvalidState(f"This job is {job.get_status_display().lower()}; it cannot be awarded now.")
    bid = Bid.objects.select_for_update().get(pk=bid.pk)
    if bid.job_id != job.pk:
        raise ValidationFailed("That bid belongs to another job.")
    check_transition(Bid.TRANSITIONS, bid.status, Bid.Status.ACCEPTED, label="bid")
    now = timezone.now()
    try:
        with transaction.atomic():
            bid.status = Bid.Status.ACCEPTED
            bid.decided_at = now
            bid.save(update_fields=["status", "decided_at", "updated_at"])
            contract = contract_create_from_bid(bid, job=job)
    except IntegrityError as exc:
        raise Conflict("This job has already been awarded.") from exc
    losers = list(
        Bid.objects.filter(job=job, status=Bid.Status.ACTIVE).exclude(pk=bid.pk).values_list("pk", flat=True)
    )
    Bid.objects.filter(pk__in=losers).update(status=Bid.Status.NOT_SELECTED, decided_at=now, updated_at=now)
    check_transition(Job.TRANSITIONS, job.status, Job.Status.AWARDED, label="job")
    job.status = Job.Status.AWARDED
    job.awarded_at = now
    job.save(update_fields=["status", "awarded_at", "updated_at"])
    audit.record(
        actor, "job.awarded", job, request, bid=str(bid.pk), contract=str(contract.pk),
        amount_cents=bid.amount_cents, not_selected=len(losers),
    )
    announce.award(job, winner=bid, contract=contract)
    return contract
