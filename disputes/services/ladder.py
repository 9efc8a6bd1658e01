"""Messages, the response that starts negotiation, escalation (early or by the clock) and
withdrawal. Each step locks the dispute, checks Dispute.TRANSITIONS, writes, audits."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from contracts.models import Milestone
from core.exceptions import InvalidState, PermissionDenied, ValidationFailed
from core.fsm import check_transition

from ..models import (
    MIN_AUTO_APPROVE_AFTER_WITHDRAWAL,
    NEGOTIATION_DAYS,
    Dispute,
    DisputeEvent,
    DisputeMessage,
    Offer,
    StaffNote,
)
from .common import base_context, event, lock_both, lock_dispute, record, require_open, require_party, send_later
from .opening import clean_files, store_files

BODY_MAX = 5000


def _clean_body(body: str, *, field: str = "body") -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationFailed("Write a message.", fields={field: ["Write a message."]})
    if len(body) > BODY_MAX:
        raise ValidationFailed(f"At most {BODY_MAX} characters.", fields={field: [f"At most {BODY_MAX} characters."]})
    return body


def _start_negotiation(dispute: Dispute, actor, now) -> None:
    check_transition(Dispute.TRANSITIONS, dispute.status, Dispute.Status.NEGOTIATION, label="dispute")
    dispute.status = Dispute.Status.NEGOTIATION
    dispute.responded_at = now
    dispute.negotiation_due_at = dispute.deadline_at = now + timedelta(days=NEGOTIATION_DAYS)
    dispute.save(update_fields=["status", "responded_at", "negotiation_due_at", "deadline_at", "updated_at"])
    event(dispute, DisputeEvent.Kind.RESPONDED, actor)
    record(actor, "dispute.responded", dispute)


def message_post(*, actor, dispute_id, body: str, files=None, request=None) -> DisputeMessage:
    """A party or staff writes. The other party's first message is their response."""
    body = _clean_body(body)
    cleaned = clean_files(files)
    with transaction.atomic():
        dispute = lock_dispute(dispute_id)
        staff = bool(actor and actor.is_staff and dispute.party_role(actor) is None)
        if not staff:
            require_party(dispute, actor)
        require_open(dispute)
        message = DisputeMessage.objects.create(dispute=dispute, author=actor, body=body, by_staff=staff)
        store_files(dispute, cleaned, uploader=actor, message=message)
        now = timezone.now()
        record(actor, "dispute.message_posted", dispute, request=request, message=str(message.pk), files=len(cleaned),
               staff=staff)
        if (not staff and dispute.status == Dispute.Status.AWAITING_RESPONSE
                and actor.pk != dispute.opened_by_id):
            _start_negotiation(dispute, actor, now)
        contract = dispute.contract
        recipients = [contract.homeowner, contract.contractor] if staff else [dispute.other_party(actor)]
        send_later("dispute.message", recipients, {
            **base_context(dispute), "author_name": "FairTradeWorker staff" if staff else actor.display_name,
            "excerpt": body[:140],
        }, dispute, key=f"message:{message.pk}")
    return message


def staff_note_add(*, actor, dispute_id, body: str, request=None) -> StaffNote:
    """Internal mediation note: staff only, never shown to the parties."""
    if actor is None or not actor.is_staff:
        raise PermissionDenied("Only staff can write internal notes.")
    body = _clean_body(body)
    with transaction.atomic():
        dispute = lock_dispute(dispute_id)
        note = StaffNote.objects.create(dispute=dispute, author=actor, body=body)
        record(actor, "dispute.staff_note", dispute, request=request, note=str(note.pk))
    return note


def _escalate(dispute: Dispute, actor, *, automatic: bool, request=None) -> Dispute:
    check_transition(Dispute.TRANSITIONS, dispute.status, Dispute.Status.MEDIATION, label="dispute")
    before = dispute.status
    dispute.status = Dispute.Status.MEDIATION
    dispute.escalated_at = timezone.now()
    dispute.escalated_by = actor
    dispute.deadline_at = None
    dispute.save(update_fields=["status", "escalated_at", "escalated_by", "deadline_at", "updated_at"])
    if automatic:
        text = ("No response within the response time." if before == Dispute.Status.AWAITING_RESPONSE
                else "Negotiation time ran out without a settlement.")
    else:
        text = f"Escalated early by {actor.display_name}."
    event(dispute, DisputeEvent.Kind.ESCALATED, actor, text)
    record(actor, "dispute.escalated", dispute, request=request, automatic=automatic, step=before)
    contract = dispute.contract
    send_later("dispute.escalated", [contract.homeowner, contract.contractor], {
        **base_context(dispute), "milestone_title": dispute.milestone.title,
    }, dispute, key=f"escalated:{dispute.pk}")
    return dispute


def dispute_escalate(*, actor, dispute_id, request=None) -> Dispute:
    with transaction.atomic():
        dispute = lock_dispute(dispute_id)
        require_party(dispute, actor)
        require_open(dispute)
        if dispute.status == Dispute.Status.MEDIATION:
            raise InvalidState("This dispute is already with our staff.")
        return _escalate(dispute, actor, automatic=False, request=request)


def disputes_advance_due(*, now=None) -> int:
    """The ladder task: every open dispute whose step ran out goes to mediation."""
    now = now or timezone.now()
    due = list(Dispute.objects.filter(status__in=[Dispute.Status.AWAITING_RESPONSE, Dispute.Status.NEGOTIATION],
                                      deadline_at__lte=now).values_list("pk", flat=True)[:500])
    moved = 0
    for pk in due:
        with transaction.atomic():
            dispute = lock_dispute(pk)
            # Re-checked under the lock: a response or a settlement may have just landed.
            if dispute.status not in (Dispute.Status.AWAITING_RESPONSE, Dispute.Status.NEGOTIATION):
                continue
            if dispute.deadline_at is None or dispute.deadline_at > now:
                continue
            _escalate(dispute, None, automatic=True)
            moved += 1
    return moved


def dispute_withdraw(*, actor, dispute_id, request=None) -> Dispute:
    """The opener drops the dispute: the milestone returns to where it was; a submitted
    milestone's auto-approve clock resumes with the time it had left (at least 3 days)."""
    with transaction.atomic():
        milestone, dispute = lock_both(dispute_id)
        require_party(dispute, actor)
        if actor.pk != dispute.opened_by_id:
            raise PermissionDenied("Only the person who opened the dispute can withdraw it.")
        require_open(dispute)
        check_transition(Dispute.TRANSITIONS, dispute.status, Dispute.Status.WITHDRAWN, label="dispute")
        before = dispute.milestone_status_before
        check_transition(Milestone.TRANSITIONS, milestone.status, before, label="milestone")
        now = timezone.now()
        milestone.status = before
        if before == Milestone.Status.SUBMITTED:
            remaining = dispute.auto_approve_remaining or timedelta(0)
            milestone.auto_approve_at = now + max(remaining, MIN_AUTO_APPROVE_AFTER_WITHDRAWAL)
        milestone.save(update_fields=["status", "auto_approve_at", "updated_at"])
        dispute.status = Dispute.Status.WITHDRAWN
        dispute.withdrawn_at = now
        dispute.deadline_at = None
        dispute.save(update_fields=["status", "withdrawn_at", "deadline_at", "updated_at"])
        Offer.objects.filter(dispute=dispute, status=Offer.Status.PENDING).update(
            status=Offer.Status.LAPSED, decided_at=now, updated_at=now)
        event(dispute, DisputeEvent.Kind.WITHDRAWN, actor)
        record(actor, "dispute.withdrawn", dispute, request=request, milestone_status=before)
        send_later("dispute.message", [dispute.other_party(actor)], {
            **base_context(dispute), "author_name": actor.display_name,
            "excerpt": f"{actor.display_name} withdrew the dispute; the milestone is "
                       f"{milestone.get_status_display().lower()} again.",
        }, dispute, key=f"withdrawn:{dispute.pk}")
    return dispute
