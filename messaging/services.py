"""Writes of the contract thread. `message_post` is the one path for a new message: web,
API and anything that reacts to messages (the partner webhooks' `message.received`) go
through it; it returns the committed-to-be Message and queues its side effects on commit.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

import audit
from accounts.services import clean_moderation_reason, require_moderator, require_not_suspended
from contracts.models import Contract
from core import outbox
from core.exceptions import InvalidState, PermissionDenied, ValidationFailed
from disputes.models import Dispute
from disputes.services.opening import clean_files
from notifications import notify
from notifications.services import redact_target

from .models import Attachment, Citation, Message, ThreadRead

MAX_BODY = 5000
MAX_ATTACHMENTS = 5
# A thread stays writable through the whole life of the contract, and after it (warranty
# questions); only a contract cancelled before any work has nothing left to talk about.
WRITABLE = {Contract.Status.AWAITING_FUNDING, Contract.Status.ACTIVE, Contract.Status.COMPLETED}


def _party(contract, actor) -> str:
    if actor is not None and actor.pk == contract.homeowner_id:
        return "homeowner"
    if actor is not None and actor.pk == contract.contractor_id:
        return "contractor"
    # Selectors answer 404 first; this is the service's own guard (staff only read).
    raise PermissionDenied("Only the homeowner and the contractor of this contract write in its thread.")


def message_post(*, actor, contract_id, body: str, files=(), request=None) -> Message:
    """A party writes to the other party of a contract; attachments are checked by content
    like completion evidence. The other party is notified in-app at once and by one email
    per burst (notifications/batching.py); never by SMS."""
    body = (body or "").strip()
    if len(body) > MAX_BODY:
        raise ValidationFailed(f"Messages are at most {MAX_BODY} characters.", fields={"body": ["Too long."]})
    files = [f for f in (files or []) if f is not None]
    if not body and not files:
        raise ValidationFailed("Write a message or attach a file.", fields={"body": ["Write a message."]})
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationFailed(f"Attach at most {MAX_ATTACHMENTS} files to a message.",
                               fields={"attachments": [f"At most {MAX_ATTACHMENTS} files."]})
    cleaned = clean_files(files, field="attachments")
    with transaction.atomic():
        contract = Contract.objects.select_related("job", "homeowner", "contractor").get(pk=contract_id)
        role = _party(contract, actor)
        require_not_suspended(actor)
        if contract.status not in WRITABLE:
            raise InvalidState("This contract was cancelled; its messages can still be read but not answered.")
        message = Message.objects.create(contract=contract, author=actor, body=body)
        Attachment.objects.bulk_create(
            Attachment(message=message, file=item.file, original_name=item.original_name, kind=item.kind,
                       content_type=item.content_type, size_bytes=item.size_bytes, sha256=item.sha256)
            for item in cleaned
        )
        # Writing is reading: the author's own thread is read up to their message.
        _read_up_to(contract, actor, message.created_at)
        audit.record(actor, "message.posted", message, request, contract=str(contract.pk), role=role,
                     attachments=len(cleaned))
        recipient = contract.contractor if role == "homeowner" else contract.homeowner
        context = {"job_title": contract.job.title, "author_name": actor.display_name,
                   "excerpt": body[:300] or "(attachment)", "url": thread_url(contract)}
        if cleaned:
            context["attachment_count"] = len(cleaned)
        notify("message.received", recipient, context, target=message)
        outbox.emit("message.received", message, data={"recipient_ids": [str(recipient.pk)],
                                                        "contract_id": str(contract.pk)})
    return message


def thread_url(contract) -> str:
    return reverse("contracts:detail", args=[contract.pk]) + "#messages"


def _read_up_to(contract, user, moment) -> None:
    row, created = ThreadRead.objects.get_or_create(contract=contract, user=user, defaults={"last_read_at": moment})
    if not created and row.last_read_at < moment:
        ThreadRead.objects.filter(pk=row.pk, last_read_at__lt=moment).update(last_read_at=moment)


def thread_mark_read(*, actor, contract) -> None:
    """A party opened the thread: everything up to now is read, and the in-app notifications
    about these messages too (their batched email is then not sent)."""
    if actor is None or actor.pk not in (contract.homeowner_id, contract.contractor_id):
        return  # staff reading a disputed thread leave no trace in the parties' read state
    now = timezone.now()
    _read_up_to(contract, actor, now)
    from notifications.models import Notification

    message_ids = [str(pk) for pk in Message.objects.filter(contract=contract).exclude(author=actor)
                   .values_list("pk", flat=True)]
    Notification.objects.filter(recipient=actor, event="message.received", target_type="messaging.message",
                                target_id__in=message_ids, read_at__isnull=True).update(read_at=now)


@transaction.atomic
def message_cite(*, actor, dispute_id, message_id, request=None) -> Citation:
    """A party puts a message of the contract's thread forward as evidence in an open dispute."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute_id)
    if actor is None or actor.pk not in (dispute.contract.homeowner_id, dispute.contract.contractor_id):
        raise PermissionDenied("Only the parties cite messages in their dispute.")
    if not dispute.is_open:
        raise InvalidState("This dispute is closed; nothing can be added to it.")
    message = Message.objects.filter(pk=message_id, contract_id=dispute.contract_id).first()
    if message is None:
        raise ValidationFailed("That message is not part of this contract's thread.")
    citation, created = Citation.objects.get_or_create(dispute=dispute, message=message,
                                                       defaults={"cited_by": actor})
    if created:
        audit.record(actor, "dispute.message_cited", dispute, request, message=str(message.pk))
    return citation


@transaction.atomic
def message_hide(*, actor, message_id, reason: str, request=None) -> Message:
    """Staff remove a message (moderation): the other party no longer sees it, its files or
    the excerpt in their notification; the author sees the reason in its place."""
    require_moderator(actor)
    reason = clean_moderation_reason(reason)
    message = Message.objects.select_for_update().get(pk=message_id)
    if message.hidden_at is not None:
        raise InvalidState("This message was already removed by moderators.")
    message.hidden_at = timezone.now()
    message.hidden_reason = reason
    message.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    redact_target(message, "A message was removed by moderators.")
    audit.record(actor, "message.hidden", message, request, contract=str(message.contract_id), reason=reason)
    return message
