from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditLog
from contracts.tests.test_evidence_checks import HOSTILE
from core.exceptions import InvalidState, PermissionDenied, ValidationFailed
from credentials import selectors, services
from credentials.models import Credential
from notifications.models import Notification
from payments.tests.images import pdf_upload

from .factories import add_credential, verified

pytestmark = pytest.mark.django_db


def test_added_credential_awaits_review_and_earns_no_badge(contractor):
    credential = add_credential(contractor, "license")
    assert credential.status == "submitted" and credential.document_type == "application/pdf"
    assert credential.document.name.startswith("private/credentials/") and "license" not in credential.document.name
    standing = selectors.standing_of(contractor.pk)
    assert standing.license is None and standing.pending == {"license"}
    assert AuditLog.objects.filter(action="credential.submitted", actor=contractor).exists()


@pytest.mark.parametrize("data, message", [
    (b"MZ\x90\x00 not a document", "not a photo"),
    (b"%PDF-1.4\n/JavaScript (app.alert(1))\n%%EOF", "not a PDF we can read"),
    (HOSTILE["hex string"], "contains scripts"),
])
def test_document_is_checked_by_content(contractor, data, message):
    with pytest.raises(ValidationFailed) as exc:
        add_credential(contractor, "license", document=pdf_upload("license.pdf", data))
    assert message in exc.value.fields["document"][0]
    assert not Credential.objects.exists()


def test_kind_specific_fields_are_required(contractor):
    with pytest.raises(ValidationFailed) as exc:
        add_credential(contractor, "insurance", issuer="", coverage_cents=None)
    assert set(exc.value.fields) == {"issuer", "coverage_cents"}
    with pytest.raises(ValidationFailed) as exc:
        add_credential(contractor, "license", state="")
    assert "state" in exc.value.fields


def test_homeowner_cannot_add_credentials(homeowner):
    with pytest.raises(PermissionDenied):
        add_credential(homeowner, "license")


def test_verify_gives_a_badge_audits_and_tells_the_contractor(contractor, staff_user):
    credential = verified(contractor, "insurance", staff=staff_user)
    assert credential.status == "verified" and credential.verified_at and credential.reviewed_by == staff_user
    assert selectors.standing_of(contractor.pk).insurance == credential
    assert AuditLog.objects.filter(action="credential.verified", actor=staff_user, target_id=str(credential.pk)).exists()
    assert Notification.objects.filter(recipient=contractor, event="credential.verified").exists()


def test_reject_needs_a_reason_and_is_final(contractor, staff_user):
    credential = add_credential(contractor, "license")
    with pytest.raises(ValidationFailed):
        services.credential_reject(actor=staff_user, credential_id=credential.pk, reason="  ")
    services.credential_reject(actor=staff_user, credential_id=credential.pk, reason="Number not on the TDLR register.")
    credential.refresh_from_db()
    assert credential.status == "rejected" and credential.rejection_reason.startswith("Number not")
    note = Notification.objects.get(recipient=contractor, event="credential.rejected")
    assert "Number not on the TDLR register." in note.body
    with pytest.raises(InvalidState) as exc:
        services.credential_verify(actor=staff_user, credential_id=credential.pk)
    assert exc.value.status_code == 409 and "rejected" in exc.value.message
    assert selectors.standing_of(contractor.pk).license is None
    # A rejection is private: the public API list leaves it out.
    assert selectors.public_credentials(contractor) == []


def test_only_staff_decide(contractor, other_contractor):
    credential = add_credential(contractor, "license")
    with pytest.raises(PermissionDenied):
        services.credential_verify(actor=other_contractor, credential_id=credential.pk)
    with pytest.raises(PermissionDenied):
        services.credential_reject(actor=contractor, credential_id=credential.pk, reason="no")


def test_badge_disappears_on_the_expiry_date(contractor, staff_user):
    credential = verified(contractor, "license", staff=staff_user, days=10)
    expiry = credential.expires_on
    with time_machine.travel(expiry - timedelta(days=1), tick=False):
        assert selectors.standing_of(contractor.pk).license == credential
    with time_machine.travel(expiry, tick=False):
        standing = selectors.standing_of(contractor.pk)
        assert standing.license is None and standing.lapsed["license"] == credential
        assert selectors.public_credentials(contractor)[0]["status"] == "expired"


def test_an_expired_date_cannot_be_verified(contractor, staff_user):
    credential = add_credential(contractor, "license", days=3)
    with time_machine.travel(timezone.localdate() + timedelta(days=3), tick=False), pytest.raises(ValidationFailed):
        services.credential_verify(actor=staff_user, credential_id=credential.pk)


def test_past_expiry_is_refused(contractor):
    with pytest.raises(ValidationFailed) as exc:
        add_credential(contractor, "license", days=0)
    assert "expires_on" in exc.value.fields
