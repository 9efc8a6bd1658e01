"""Opening a dispute: the milestone's escrow freezes (status `disputed`) in the same
transaction, so no approval, auto-approval or release can happen while it is open."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from contracts.evidence import clean_evidence
from contracts.models import Milestone
from core import outbox
from core.exceptions import Conflict, InvalidState, ValidationFailed
from core.fsm import check_transition
from core.money import format_cents

from ..models import RESPONSE_DAYS, Dispute, DisputeEvent, DisputeFile
from .common import base_context, event, lock_milestone, record, require_party, send_later

DESCRIPTION_MAX = 5000
MAX_FILES = 10
DISPUTABLE = (Milestone.Status.FUNDED, Milestone.Status.SUBMITTED)


def clean_files(files, *, field: str = "files"):
    """Evidence is optional in disputes; when given it is checked by content like
    completion evidence (images re-encoded without metadata, plain PDFs only)."""
    files = [f for f in (files or []) if f is not None]
    if not files:
        return []
    if len(files) > MAX_FILES:
        raise ValidationFailed(f"Attach at most {MAX_FILES} files at a time.", fields={field: [
            f"At most {MAX_FILES} files."]})
    try:
        return clean_evidence(files)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, fields={field: [exc.message]}) from exc


def store_files(dispute, cleaned, *, uploader, message=None) -> list[DisputeFile]:
    return [
        DisputeFile.objects.create(
            dispute=dispute, message=message, uploaded_by=uploader, file=item.file, original_name=item.original_name,
            kind=item.kind, content_type=item.content_type, size_bytes=item.size_bytes, sha256=item.sha256)
        for item in cleaned
    ]


def _validate(reason, description, requested_refund_cents) -> tuple[str, int]:
    errors = {}
    if reason not in Dispute.Reason.values:
        errors["reason"] = ["Choose what went wrong."]
    description = (description or "").strip()
    if not description:
        errors["description"] = ["Describe what happened and what you would consider fair."]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [f"At most {DESCRIPTION_MAX} characters."]
    if requested_refund_cents is None:
        requested_refund_cents = 0
    if not isinstance(requested_refund_cents, int) or isinstance(requested_refund_cents, bool):
        errors["requested_refund_cents"] = ["Enter the refund in cents, as a whole number."]
    elif requested_refund_cents < 0:
        errors["requested_refund_cents"] = ["A refund cannot be negative."]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    return description, requested_refund_cents


def dispute_open(*, actor, milestone_id, reason: str, description: str, requested_refund_cents: int | None = 0,
                 files=None, request=None) -> Dispute:
    description, requested = _validate(reason, description, requested_refund_cents)
    cleaned = clean_files(files)  # slow (decoding images): before any lock is taken
    with transaction.atomic():
        milestone = lock_milestone(milestone_id)
        contract = milestone.contract
        probe = Dispute(contract=contract)
        role = require_party(probe, actor)
        if milestone.status == Milestone.Status.DISPUTED:
            raise Conflict("This milestone already has an open dispute.")
        if milestone.status in Milestone.CLOSED:
            raise InvalidState(f"This milestone has been {milestone.get_status_display().lower()}; "
                               "it can no longer be disputed.")
        if milestone.status not in DISPUTABLE:
            raise InvalidState("Only a funded milestone can be disputed: there is no money in escrow yet.")
        if requested > milestone.amount_cents:
            message = f"The refund can be at most the milestone amount, {format_cents(milestone.amount_cents)}."
            raise ValidationFailed(message, fields={"requested_refund_cents": [message]})
        if role == "contractor":
            requested = 0  # a contractor disputes to be paid: there is nothing for them to ask back
        check_transition(Milestone.TRANSITIONS, milestone.status, Milestone.Status.DISPUTED, label="milestone")
        now = timezone.now()
        remaining = None
        if milestone.status == Milestone.Status.SUBMITTED and milestone.auto_approve_at:
            remaining = max(milestone.auto_approve_at - now, timedelta(0))
        due = now + timedelta(days=RESPONSE_DAYS)
        try:
            with transaction.atomic():
                dispute = Dispute.objects.create(
                    contract=contract, milestone=milestone, opened_by=actor, reason=reason, description=description,
                    requested_refund_cents=requested, amount_cents=milestone.amount_cents, currency=contract.currency,
                    milestone_status_before=milestone.status, auto_approve_remaining=remaining,
                    response_due_at=due, deadline_at=due,
                )
        except IntegrityError as exc:
            raise Conflict("This milestone already has an open dispute.") from exc
        milestone.status = Milestone.Status.DISPUTED
        milestone.auto_approve_at = None  # frozen; the remaining time is kept on the dispute
        milestone.save(update_fields=["status", "auto_approve_at", "updated_at"])
        store_files(dispute, cleaned, uploader=actor)
        event(dispute, DisputeEvent.Kind.OPENED, actor, dispute.get_reason_display())
        record(actor, "dispute.opened", dispute, request=request, reason=reason, requested_refund_cents=requested,
               files=len(cleaned))
        outbox.emit("dispute.opened", dispute)
        other = contract.contractor if role == "homeowner" else contract.homeowner
        send_later("dispute.opened", [other], {
            **base_context(dispute), "milestone_title": milestone.title, "opened_by_name": actor.display_name,
            "reason": dispute.get_reason_display(), "response_due_at": due,
            "requested_refund_cents": requested,
        }, dispute, key=f"opened:{dispute.pk}")
    return dispute
