"""Messages between the parties: rules, attachments, read state, notifications (in-app at
once, one email per burst, never SMS) and citations in a dispute."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditLog
from contracts.models import Contract
from core.exceptions import InvalidState, PermissionDenied, ValidationFailed
from disputes.tests.helpers import disputed
from messaging import selectors, services
from messaging.models import Attachment, Citation, Message
from notifications.batching import send_batched_emails
from notifications.models import Notification, NotificationDelivery
from payments.tests.images import pdf_upload, png_upload

pytestmark = pytest.mark.django_db


def post(contract, actor, body="Can you start Monday at 8?", files=()):
    return services.message_post(actor=actor, contract_id=contract.pk, body=body, files=list(files))


def test_party_posts_with_attachments_checked_by_content(contract, homeowner, contractor):
    message = post(contract, homeowner, files=[png_upload("deck.png"), pdf_upload("plan.pdf")])
    assert message.body == "Can you start Monday at 8?"
    kinds = sorted(Attachment.objects.filter(message=message).values_list("kind", flat=True))
    assert kinds == ["image", "pdf"]
    assert AuditLog.objects.filter(action="message.posted", target_id=str(message.pk)).exists()


def test_fake_image_is_refused_and_nothing_is_kept(contract, homeowner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>" * 10, content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as exc:
        post(contract, homeowner, files=[fake])
    assert "attachments" in exc.value.fields
    assert not Message.objects.exists()


def test_empty_message_and_too_long_are_refused(contract, homeowner):
    with pytest.raises(ValidationFailed):
        post(contract, homeowner, body="   ")
    with pytest.raises(ValidationFailed):
        post(contract, homeowner, body="x" * 5001)


def test_outsiders_and_staff_cannot_write(contract, other_homeowner, other_contractor, staff_user):
    for outsider in (other_homeowner, other_contractor, staff_user):
        with pytest.raises(PermissionDenied):
            post(contract, outsider)


def test_cancelled_contract_thread_is_read_only(contract, homeowner):
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.CANCELLED)
    with pytest.raises(InvalidState):
        post(contract, homeowner)


def test_in_app_at_once_one_email_per_burst_never_sms(contract, homeowner, contractor, settings,
                                                      django_capture_on_commit_callbacks):
    contractor.phone, contractor.phone_verified_at = "+15125550100", timezone.now()
    contractor.save()
    for text in ("First", "Second", "Third"):
        post(contract, homeowner, body=text)
    assert Notification.objects.filter(recipient=contractor, event="message.received").count() == 3
    assert not NotificationDelivery.objects.filter(event="message.received").exists()  # no email yet, no SMS
    assert send_batched_emails() == 0  # the burst window is still open
    later = timezone.now() + timedelta(seconds=settings.NOTIFY_EMAIL_BATCH_SECONDS + 1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_batched_emails(now=later) == 1
    emails = [m for m in mail.outbox if m.to == [contractor.email]]
    assert len(emails) == 1
    assert "3 new" in emails[0].subject and "First" in emails[0].body and "Third" in emails[0].body
    assert send_batched_emails(now=later) == 0  # sent once
    assert not NotificationDelivery.objects.filter(channel="sms").exists()


def test_read_in_app_means_no_email(contract, homeowner, contractor, settings):
    post(contract, homeowner)
    services.thread_mark_read(actor=contractor, contract=contract)
    later = timezone.now() + timedelta(seconds=settings.NOTIFY_EMAIL_BATCH_SECONDS + 1)
    assert send_batched_emails(now=later) == 0
    assert selectors.unread_threads(contractor) == []


def test_unread_threads_count_only_the_other_partys_messages(contract, homeowner, contractor):
    post(contract, homeowner, body="one")
    post(contract, homeowner, body="two")
    assert selectors.unread_threads(contractor) == [(contract.pk, contract.job.title, 2)]
    assert selectors.unread_threads(homeowner) == []
    post(contract, contractor, body="reply")  # writing is reading
    assert selectors.unread_threads(contractor) == []
    assert selectors.unread_threads(homeowner) == [(contract.pk, contract.job.title, 1)]


def test_a_party_cites_a_message_in_an_open_dispute(homeowner, contractor):
    from contracts.tests.factories import contract_for

    contract = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("All", 50_000)])
    message = post(contract, contractor, body="I will replace the cracked tiles for free.")
    dispute = disputed(contract)
    services.message_cite(actor=homeowner, dispute_id=dispute.pk, message_id=message.pk)
    services.message_cite(actor=homeowner, dispute_id=dispute.pk, message_id=message.pk)  # idempotent
    assert Citation.objects.filter(dispute=dispute).count() == 1
    assert [c.message for c in selectors.citations_for(homeowner, dispute)] == [message]
    other = contract_for(milestones=[("x", 10_000)])
    foreign = post(other, other.homeowner)
    with pytest.raises(ValidationFailed):
        services.message_cite(actor=homeowner, dispute_id=dispute.pk, message_id=foreign.pk)


def test_export_holds_the_thread_without_the_other_partys_name_and_erasure_keeps_it(contract, homeowner, contractor):
    from messaging import privacy

    post(contract, homeowner, "Can you start Monday at 8?")
    post(contract, contractor, "Yes, see you then.")
    exported = privacy.export(homeowner)["contract_messages"]
    assert [(m["from"], m["body"]) for m in exported] == [
        ("you", "Can you start Monday at 8?"), ("the other party", "Yes, see you then.")]
    assert contractor.full_name not in str(exported)
    privacy.erase(homeowner)
    assert Message.objects.filter(contract=contract).count() == 2
