"""Completion: the contractor submits evidence, the homeowner approves (escrow is released)
or requests changes; the last closed milestone completes the contract and its job.

Every write locks through lock_milestone (core.locks: job, contract, milestone), checks the
TRANSITIONS table, writes, audits, and notifies in the same transaction.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

import audit
from core import outbox
from core.exceptions import InvalidState, ValidationFailed
from core.fsm import check_transition
from payments import services as money
from payments.models import Release
from payments.notify import send

from ..evidence import clean_evidence
from ..models import Contract, EvidenceFile, Milestone, Submission
from ..selectors import milestone_escrow_state
from .common import contract_url, lock_milestone, require

NOTE_MAX = 2000


def milestone_submit(*, actor, milestone_id, notes: str, files, request=None) -> Submission:
    notes = (notes or "").strip()
    if not notes:
        raise ValidationFailed("Describe the work you finished.", fields={"notes": ["Describe the work you finished."]})
    if len(notes) > 5000:
        raise ValidationFailed("Notes can be at most 5000 characters.", fields={"notes": ["At most 5000 characters."]})
    # Files are decoded and re-encoded before any lock is taken: that is the slow part.
    cleaned = clean_evidence(files)
    with transaction.atomic():
        milestone = lock_milestone(milestone_id)
        contract = milestone.contract
        require(actor, contract.contractor, "Only the contractor can submit completion.")
        if milestone.status != Milestone.Status.FUNDED:
            raise InvalidState(
                "Only a funded milestone can be submitted." if milestone.status == Milestone.Status.UNFUNDED
                else f"This milestone is {milestone.get_status_display().lower()}; it cannot be submitted now.")
        check_transition(Milestone.TRANSITIONS, milestone.status, Milestone.Status.SUBMITTED, label="milestone")
        submission = Submission.objects.create(milestone=milestone, contractor=actor, notes=notes)
        for item in cleaned:
            EvidenceFile.objects.create(submission=submission, file=item.file, original_name=item.original_name,
                                        kind=item.kind, content_type=item.content_type, size_bytes=item.size_bytes,
                                        sha256=item.sha256)
        now = timezone.now()
        milestone.status = Milestone.Status.SUBMITTED
        milestone.submitted_at = now
        milestone.auto_approve_at = now + timedelta(days=settings.AUTO_APPROVE_DAYS)
        milestone.save(update_fields=["status", "submitted_at", "auto_approve_at", "updated_at"])
        audit.record(actor, "milestone.submitted", milestone, request=request, submission=str(submission.pk),
                     files=len(cleaned))
        outbox.emit("milestone.submitted", milestone)
        send("milestone.submitted", [contract.homeowner],
             {"job_title": contract.job.title, "milestone_title": milestone.title,
              "amount_cents": milestone.amount_cents, "contractor_name": contract.contractor.display_name,
              "auto_approve_on": milestone.auto_approve_at.date(), "url": contract_url(contract)},
             milestone, key=f"submitted:{submission.pk}")
    return submission


def milestone_approve(*, actor, milestone_id, request=None, auto: bool = False) -> Release:
    """submitted -> released; the Release row is written in the same transaction."""
    with transaction.atomic():
        # Job and contract are locked first (core.locks): approving the last milestone
        # completes both, and a concurrent job_cancel takes them in the same order.
        milestone = lock_milestone(milestone_id)
        contract = milestone.contract
        if not auto:
            require(actor, contract.homeowner, "Only the homeowner can approve a milestone.")
        if milestone.status != Milestone.Status.SUBMITTED:
            raise InvalidState({
                Milestone.Status.UNFUNDED: "This milestone is not funded yet.",
                Milestone.Status.FUNDED: "The contractor has not submitted this milestone yet.",
                Milestone.Status.RELEASED: "This milestone has already been approved and released.",
            }.get(milestone.status, f"This milestone is {milestone.get_status_display().lower()} and cannot be "
                                    "approved."))
        if auto and (milestone.auto_approve_at is None or milestone.auto_approve_at > timezone.now()):
            raise InvalidState("This milestone's auto-approve time has not come.")
        # Frozen by a card dispute or an unreviewed outside refund: refuse with the reason.
        # Reduced by an outside refund (or a partly lost card dispute): release what is left,
        # never more; the homeowner saw that amount on the button (selectors.escrow_state).
        escrow = milestone_escrow_state(milestone)
        if escrow.approve_blocked:
            raise InvalidState(escrow.approve_blocked)
        check_transition(Milestone.TRANSITIONS, milestone.status, Milestone.Status.RELEASED, label="milestone")
        now = timezone.now()
        milestone.status = Milestone.Status.RELEASED
        milestone.released_at = milestone.closed_at = now
        milestone.auto_approve_at = None
        milestone.save(update_fields=["status", "released_at", "closed_at", "auto_approve_at", "updated_at"])
        release = money.release_create(
            milestone=milestone, amount_cents=escrow.releasable_cents, actor=None if auto else actor, request=request,
            reason=Release.Reason.AUTO_APPROVED if auto else Release.Reason.APPROVED,
        )
        audit.record(None if auto else actor, "milestone.auto_approved" if auto else "milestone.approved", milestone,
                     request=request, release=str(release.pk))
        outbox.emit("milestone.released", milestone)
        send("milestone.released", [contract.homeowner],
             {"job_title": contract.job.title, "milestone_title": milestone.title,
              "amount_cents": release.amount_cents, "contractor_name": contract.contractor.display_name,
              "auto_approved": "yes" if auto else "", "url": contract_url(contract)},
             milestone, key=f"released:{milestone.pk}")
        contract_complete_if_done(contract=contract)
    return release


def milestone_request_changes(*, actor, milestone_id, note: str, request=None) -> Submission:
    note = (note or "").strip()
    if not note:
        raise ValidationFailed("Tell the contractor what to change.", fields={"note": ["Tell the contractor what to change."]})
    if len(note) > NOTE_MAX:
        raise ValidationFailed(f"At most {NOTE_MAX} characters.", fields={"note": [f"At most {NOTE_MAX} characters."]})
    with transaction.atomic():
        milestone = lock_milestone(milestone_id)
        contract = milestone.contract
        require(actor, contract.homeowner, "Only the homeowner can request changes.")
        if milestone.status != Milestone.Status.SUBMITTED:
            raise InvalidState("Changes can only be requested on a submitted milestone.")
        check_transition(Milestone.TRANSITIONS, milestone.status, Milestone.Status.FUNDED, label="milestone")
        submission = Submission.objects.select_for_update().filter(milestone=milestone).order_by("-created_at").first()
        if submission is None:  # only data written around the services can lack it; refuse, never 500
            raise InvalidState("This milestone has no submission to send back.")
        submission.changes_requested_note = note
        submission.changes_requested_at = timezone.now()
        submission.save(update_fields=["changes_requested_note", "changes_requested_at", "updated_at"])
        milestone.status = Milestone.Status.FUNDED
        milestone.auto_approve_at = None  # the clock stops until the next submission
        milestone.save(update_fields=["status", "auto_approve_at", "updated_at"])
        audit.record(actor, "milestone.changes_requested", milestone, request=request, note=note[:500])
        send("milestone.changes_requested", [contract.contractor],
             {"job_title": contract.job.title, "milestone_title": milestone.title, "note": note,
              "url": contract_url(contract)}, milestone, key=f"changes:{submission.pk}")
    return submission


def contract_complete_if_done(*, contract: Contract) -> bool:
    """Every milestone closed -> contract and job completed.

    The caller locked the milestone through lock_milestone, so job and contract are
    already held (core.locks); re-locking them here, job first, only reloads them.
    Disputes call this too after a refund or split outcome.
    """
    from jobs.models import Job

    job = Job.objects.select_for_update().get(pk=contract.job_id)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != Contract.Status.ACTIVE:
        return False
    if contract.milestones.exclude(status__in=Milestone.CLOSED).exists():
        return False
    check_transition(Contract.TRANSITIONS, contract.status, Contract.Status.COMPLETED, label="contract")
    contract.status = Contract.Status.COMPLETED
    contract.completed_at = timezone.now()
    contract.save(update_fields=["status", "completed_at", "updated_at"])
    check_transition(Job.TRANSITIONS, job.status, Job.Status.COMPLETED, label="job")
    job.status = Job.Status.COMPLETED
    job.save(update_fields=["status", "updated_at"])
    from accounts.models import ContractorProfile

    ContractorProfile.objects.filter(user_id=contract.contractor_id).update(completed_jobs=F("completed_jobs") + 1)
    audit.record(None, "contract.completed", contract)
    return True
