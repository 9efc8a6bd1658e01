"""The milestone money flow: fund, submit, approve, request changes, auto-approve,
completion and cancellation. Every write locks the milestone (or contract) row, checks
the TRANSITIONS table, writes, audits, and notifies in the same transaction.

Money itself moves only through payments.services (Payment, Release, Refund rows and the
ledger); this module decides *when*.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

import audit
from core import outbox
from core.exceptions import InvalidState, PermissionDenied, ValidationFailed
from core.fsm import check_transition
from payments import services as money
from payments.gateways import GatewayError, get_gateway
from payments.models import EvidenceFile, Payment, Release, Submission
from payments.notify import send

from .evidence import clean_evidence
from .models import Contract, Milestone

REMINDER_DAYS = (7, 3, 1)
NOTE_MAX = 2000


def _contract_url(contract) -> str:
    try:
        return reverse("contracts:detail", args=[contract.pk])
    except NoReverseMatch:
        return f"/contracts/{contract.pk}/"


def _lock(milestone_id) -> Milestone:
    return Milestone.objects.select_for_update().select_related(
        "contract__job", "contract__homeowner", "contract__contractor"
    ).get(pk=milestone_id)


def _require(actor, user, message):
    if actor is None or actor.pk != user.pk:
        raise PermissionDenied(message)


# --- funding ----------------------------------------------------------------------------
def milestone_fund(*, actor, milestone_id, request=None) -> Payment:
    """Start paying a milestone (amount + fee). Returns the payment with its checkout URL;
    with the simulated gateway the milestone is funded when this returns."""
    with transaction.atomic():
        milestone = _lock(milestone_id)
        # Locked too (milestone first, then contract: the order every service uses) so a
        # concurrent cancellation and a new payment cannot both commit.
        contract = Contract.objects.select_for_update().select_related("homeowner").get(pk=milestone.contract_id)
        _require(actor, contract.homeowner, "Only the homeowner can fund a milestone.")
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
    """Called by payments with the milestone locked, when the money is in escrow."""
    contract = Contract.objects.select_for_update().select_related("job", "contractor", "homeowner").get(
        pk=milestone.contract_id)
    if milestone.status != Milestone.Status.UNFUNDED or contract.status not in (Contract.Status.AWAITING_FUNDING,
                                                                               Contract.Status.ACTIVE):
        # Cannot happen through our services (one live payment per milestone; cancelling
        # closes open checkouts first), but money that arrives anyway is never lost: it is
        # booked into escrow and staff are told to refund it.
        from payments.alerts import alert_staff

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
    url = _contract_url(contract)
    send("milestone.funded", [contract.contractor],
         {"job_title": contract.job.title, "milestone_title": milestone.title, "amount_cents": milestone.amount_cents,
          "url": url}, milestone, key=f"funded:{payment.pk}")
    send("payment.receipt", [contract.homeowner],
         {"job_title": contract.job.title, "milestone_title": milestone.title, "amount_cents": payment.amount_cents,
          "fee_cents": payment.fee_cents, "total_cents": payment.total_cents,
          "receipt_number": receipt_number(payment), "paid_at": now.date(),
          "url": reverse("payments:receipt", args=[payment.pk])}, payment, key=f"receipt:{payment.pk}")


def receipt_number(payment: Payment) -> str:
    return f"FTW-{str(payment.pk)[:8].upper()}"


# --- completion -------------------------------------------------------------------------
def milestone_submit(*, actor, milestone_id, notes: str, files, request=None) -> Submission:
    notes = (notes or "").strip()
    if not notes:
        raise ValidationFailed("Describe the work you finished.", fields={"notes": ["Describe the work you finished."]})
    if len(notes) > 5000:
        raise ValidationFailed("Notes can be at most 5000 characters.", fields={"notes": ["At most 5000 characters."]})
    # Files are decoded and re-encoded before any lock is taken: that is the slow part.
    cleaned = clean_evidence(files)
    with transaction.atomic():
        milestone = _lock(milestone_id)
        contract = milestone.contract
        _require(actor, contract.contractor, "Only the contractor can submit completion.")
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
              "auto_approve_on": milestone.auto_approve_at.date(), "url": _contract_url(contract)},
             milestone, key=f"submitted:{submission.pk}")
    return submission


def milestone_approve(*, actor, milestone_id, request=None, auto: bool = False) -> Release:
    """submitted -> released; the Release row is written in the same transaction."""
    with transaction.atomic():
        milestone = _lock(milestone_id)
        contract = milestone.contract
        if not auto:
            _require(actor, contract.homeowner, "Only the homeowner can approve a milestone.")
        if milestone.status != Milestone.Status.SUBMITTED:
            raise InvalidState({
                Milestone.Status.UNFUNDED: "This milestone is not funded yet.",
                Milestone.Status.FUNDED: "The contractor has not submitted this milestone yet.",
                Milestone.Status.RELEASED: "This milestone has already been approved and released.",
            }.get(milestone.status, f"This milestone is {milestone.get_status_display().lower()} and cannot be "
                                    "approved."))
        if auto and (milestone.auto_approve_at is None or milestone.auto_approve_at > timezone.now()):
            raise InvalidState("This milestone's auto-approve time has not come.")
        check_transition(Milestone.TRANSITIONS, milestone.status, Milestone.Status.RELEASED, label="milestone")
        now = timezone.now()
        milestone.status = Milestone.Status.RELEASED
        milestone.released_at = milestone.closed_at = now
        milestone.auto_approve_at = None
        milestone.save(update_fields=["status", "released_at", "closed_at", "auto_approve_at", "updated_at"])
        release = money.release_create(
            milestone=milestone, amount_cents=milestone.amount_cents, actor=None if auto else actor, request=request,
            reason=Release.Reason.AUTO_APPROVED if auto else Release.Reason.APPROVED,
        )
        audit.record(None if auto else actor, "milestone.auto_approved" if auto else "milestone.approved", milestone,
                     request=request, release=str(release.pk))
        outbox.emit("milestone.released", milestone)
        send("milestone.released", [contract.homeowner],
             {"job_title": contract.job.title, "milestone_title": milestone.title,
              "amount_cents": milestone.amount_cents, "contractor_name": contract.contractor.display_name,
              "auto_approved": "yes" if auto else "", "url": _contract_url(contract)},
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
        milestone = _lock(milestone_id)
        contract = milestone.contract
        _require(actor, contract.homeowner, "Only the homeowner can request changes.")
        if milestone.status != Milestone.Status.SUBMITTED:
            raise InvalidState("Changes can only be requested on a submitted milestone.")
        check_transition(Milestone.TRANSITIONS, milestone.status, Milestone.Status.FUNDED, label="milestone")
        submission = Submission.objects.select_for_update().filter(milestone=milestone).order_by("-created_at").first()
        submission.changes_requested_note = note
        submission.changes_requested_at = timezone.now()
        submission.save(update_fields=["changes_requested_note", "changes_requested_at", "updated_at"])
        milestone.status = Milestone.Status.FUNDED
        milestone.auto_approve_at = None  # the clock stops until the next submission
        milestone.save(update_fields=["status", "auto_approve_at", "updated_at"])
        audit.record(actor, "milestone.changes_requested", milestone, request=request, note=note[:500])
        send("milestone.changes_requested", [contract.contractor],
             {"job_title": contract.job.title, "milestone_title": milestone.title, "note": note,
              "url": _contract_url(contract)}, milestone, key=f"changes:{submission.pk}")
    return submission


def contract_complete_if_done(*, contract: Contract) -> bool:
    """Every milestone closed -> contract and job completed. Caller holds a milestone lock;
    disputes call this too after a refund or split outcome."""
    contract = Contract.objects.select_for_update().select_related("job").get(pk=contract.pk)
    if contract.status != Contract.Status.ACTIVE:
        return False
    if contract.milestones.exclude(status__in=Milestone.CLOSED).exists():
        return False
    check_transition(Contract.TRANSITIONS, contract.status, Contract.Status.COMPLETED, label="contract")
    contract.status = Contract.Status.COMPLETED
    contract.completed_at = timezone.now()
    contract.save(update_fields=["status", "completed_at", "updated_at"])
    job = contract.job.__class__.objects.select_for_update().get(pk=contract.job_id)
    check_transition(job.TRANSITIONS, job.status, job.Status.COMPLETED, label="job")
    job.status = job.Status.COMPLETED
    job.save(update_fields=["status", "updated_at"])
    from accounts.models import ContractorProfile

    ContractorProfile.objects.filter(user_id=contract.contractor_id).update(completed_jobs=F("completed_jobs") + 1)
    audit.record(None, "contract.completed", contract)
    return True


# --- periodic ----------------------------------------------------------------------------
def milestones_auto_approve_due(*, now=None) -> int:
    now = now or timezone.now()
    due = list(Milestone.objects.filter(status=Milestone.Status.SUBMITTED, auto_approve_at__lte=now)
               .values_list("pk", flat=True)[:500])
    approved = 0
    for pk in due:
        try:
            milestone_approve(actor=None, milestone_id=pk, auto=True)
            approved += 1
        except InvalidState:
            continue  # approved, disputed or sent back meanwhile
    return approved


def auto_approve_reminders_send(*, now=None) -> int:
    """Remind the homeowner 7, 3 and 1 days before auto-approval (once each per submission)."""
    now = now or timezone.now()
    horizon = now + timedelta(days=max(REMINDER_DAYS))
    milestones = Milestone.objects.filter(
        status=Milestone.Status.SUBMITTED, auto_approve_at__gt=now, auto_approve_at__lte=horizon
    ).select_related("contract__job", "contract__homeowner")
    sent = 0
    for milestone in milestones:
        seconds_left = (milestone.auto_approve_at - now).total_seconds()
        days_left = max(1, math.ceil(seconds_left / 86400))
        threshold = min(d for d in REMINDER_DAYS if days_left <= d)
        contract = milestone.contract
        send("milestone.auto_approve_reminder", [contract.homeowner],
             {"job_title": contract.job.title, "milestone_title": milestone.title,
              "amount_cents": milestone.amount_cents, "days_left": days_left,
              "auto_approve_on": milestone.auto_approve_at.date(), "url": _contract_url(contract)},
             milestone, key=f"reminder:{milestone.pk}:{milestone.submitted_at:%Y%m%d%H%M%S}:{threshold}")
        sent += 1
    return sent


# --- cancellation ------------------------------------------------------------------------
def contract_cancel(*, actor, contract_id, request=None) -> Contract:
    """awaiting_funding -> cancelled; the job returns to reviewing for another award.

    The status rules live in contracts.services.contract_cancel_locked; this adds the
    money side: an open (unpaid) Checkout Session is closed at the provider first, outside
    any lock, so it can never be paid after the contract is gone, and any live payment
    refuses the cancellation.
    """
    from jobs.models import Job

    from .services import contract_cancel_locked

    contract = Contract.objects.select_related("homeowner").get(pk=contract_id)
    if actor is None or (contract.homeowner_id != actor.pk and not actor.is_staff):
        raise PermissionDenied("Only the homeowner can cancel this contract.")
    if contract.status != Contract.Status.AWAITING_FUNDING:
        raise InvalidState("Only a contract awaiting its first payment can be cancelled.")
    for payment in Payment.objects.filter(milestone__contract=contract, status__in=[Payment.Status.PENDING,
                                                                                    Payment.Status.FAILED]):
        try:
            closed = bool(payment.checkout_session_id) and get_gateway().checkout_expire(payment.checkout_session_id)
        except GatewayError as exc:
            raise InvalidState(f"The payment provider could not close the open checkout: {exc.message}") from exc
        if closed or not payment.checkout_session_id:
            money.payment_mark_expired(payment_id=payment.pk)
    with transaction.atomic():
        Job.objects.select_for_update().get(pk=contract.job_id)  # lock order: job, then contract
        contract = Contract.objects.select_for_update().get(pk=contract_id)
        if Payment.objects.filter(milestone__contract=contract, status__in=Payment.LIVE).exists():
            raise InvalidState("A payment on this contract is in progress or done; it can no longer be cancelled.")
        return contract_cancel_locked(contract, actor=actor, request=request, reopen_job=True)
