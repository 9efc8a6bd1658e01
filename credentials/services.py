"""Every write to credentials: add (contractor), verify / reject (staff), expire and remind
(the beat task). Credential rows are leaves of the lock order (core/locks.py): locked alone."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

import audit
from contracts.evidence import clean_evidence
from core.exceptions import PermissionDenied, ValidationFailed
from core.fsm import check_transition
from notifications import notify

from .models import Credential, CredentialReminder

REMINDER_DAYS = (30, 7, 1)
# The last reminder also goes by SMS (its event has an SMS template and SMS on by default).
LAST_REMINDER_EVENT = "credential.expires_tomorrow"
REMINDER_EVENT = "credential.expiring"


def _clean_document(upload):
    """The project's upload validation (PDF by structure, images decoded and re-encoded
    without EXIF), reported against this form's field."""
    try:
        return clean_evidence([upload])[0]
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, fields={"document": [exc.message]}) from exc


def credential_add(*, actor, kind: str, number: str, expires_on, document, state: str = "", license_class: str = "",
                   issuer: str = "", coverage_cents: int | None = None, request=None) -> Credential:
    if not actor.is_contractor:
        raise PermissionDenied("Only contractors add credentials.")
    errors = {}
    if kind not in Credential.Kind.values:
        errors["kind"] = ["Choose a license, insurance or bond."]
    if expires_on <= timezone.localdate():
        errors["expires_on"] = ["This date has passed: upload the current document."]
    if kind == Credential.Kind.LICENSE and not state:
        errors["state"] = ["Choose the state that issued the license."]
    if kind in (Credential.Kind.INSURANCE, Credential.Kind.BOND):
        if not issuer:
            errors["issuer"] = ["Name the insurer or surety company."]
        if not coverage_cents:
            errors["coverage_cents"] = ["Enter the coverage amount shown on the certificate."]
    if errors:
        raise ValidationFailed("Please correct the highlighted fields.", fields=errors)
    clean = _clean_document(document)
    with transaction.atomic():
        credential = Credential.objects.create(
            contractor=actor, kind=kind, number=number.strip(), state=state.upper() if kind == "license" else "",
            license_class=license_class.strip() if kind == "license" else "",
            issuer=issuer.strip() if kind != "license" else "",
            coverage_cents=coverage_cents if kind != "license" else None,
            expires_on=expires_on, document=clean.file, document_name=clean.original_name,
            document_type=clean.content_type,
        )
        audit.record(actor, "credential.submitted", credential, request=request, kind=kind)
    return credential


def _lock(credential_id) -> Credential:
    return Credential.objects.select_for_update().select_related("contractor").get(pk=credential_id)


def credential_verify(*, actor, credential_id, request=None) -> Credential:
    if not actor.is_staff:
        raise PermissionDenied("Only staff verify credentials.")
    with transaction.atomic():
        credential = _lock(credential_id)
        check_transition(Credential.TRANSITIONS, credential.status, Credential.Status.VERIFIED, label="credential")
        if credential.expires_on <= timezone.localdate():
            raise ValidationFailed("This credential has already expired; it cannot be verified.")
        now = timezone.now()
        credential.status = Credential.Status.VERIFIED
        credential.reviewed_by, credential.reviewed_at, credential.verified_at = actor, now, now
        credential.save(update_fields=["status", "reviewed_by", "reviewed_at", "verified_at", "updated_at"])
        audit.record(actor, "credential.verified", credential, request=request, kind=credential.kind)
        notify("credential.verified", credential.contractor,
               {"kind": credential.get_kind_display(), "expires_on": credential.expires_on,
                "url": reverse("credentials:mine")}, target=credential)
    return credential


def credential_reject(*, actor, credential_id, reason: str, request=None) -> Credential:
    if not actor.is_staff:
        raise PermissionDenied("Only staff reject credentials.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Give the contractor a reason for the rejection.", fields={"reason": ["Required."]})
    with transaction.atomic():
        credential = _lock(credential_id)
        check_transition(Credential.TRANSITIONS, credential.status, Credential.Status.REJECTED, label="credential")
        credential.status = Credential.Status.REJECTED
        credential.reviewed_by, credential.reviewed_at = actor, timezone.now()
        credential.rejection_reason = reason[:1000]
        credential.save(update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason", "updated_at"])
        audit.record(actor, "credential.rejected", credential, request=request, kind=credential.kind, reason=reason)
        notify("credential.rejected", credential.contractor,
               {"kind": credential.get_kind_display(), "reason": credential.rejection_reason,
                "url": reverse("credentials:mine")}, target=credential)
    return credential


def credential_expire(*, credential_id) -> bool:
    """Mark one credential expired once its date has come. Idempotent."""
    with transaction.atomic():
        credential = _lock(credential_id)
        if credential.status not in (Credential.Status.SUBMITTED, Credential.Status.VERIFIED):
            return False
        if credential.expires_on > timezone.localdate():
            return False
        previous = credential.status
        check_transition(Credential.TRANSITIONS, previous, Credential.Status.EXPIRED, label="credential")
        credential.status = Credential.Status.EXPIRED
        credential.save(update_fields=["status", "updated_at"])
        audit.record(None, "credential.expired", credential, previous=previous)
    return True


def credential_remind(*, credential_id, days_before: int) -> bool:
    """Send the reminder for one threshold at most once (a unique row is the key)."""
    with transaction.atomic():
        credential = _lock(credential_id)
        if credential.status != Credential.Status.VERIFIED or credential.expires_on <= timezone.localdate():
            return False
        try:
            with transaction.atomic():
                CredentialReminder.objects.create(credential=credential, days_before=days_before)
        except IntegrityError:
            return False
        days_left = (credential.expires_on - timezone.localdate()).days
        event = LAST_REMINDER_EVENT if days_before == REMINDER_DAYS[-1] else REMINDER_EVENT
        notify(event, credential.contractor,
               {"kind": credential.get_kind_display(), "expires_on": credential.expires_on, "days_left": days_left,
                "url": reverse("credentials:mine")}, target=credential, key=f"credential-{credential.pk}-{days_before}")
    return True


def due_reminders(today=None) -> list[tuple]:
    """(credential id, threshold) pairs due today: the smallest threshold the credential
    has reached and not yet been reminded of. A task that was down for a few days sends
    only the most urgent reminder, not three at once."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(REMINDER_DAYS))
    rows = (Credential.objects.filter(status=Credential.Status.VERIFIED, expires_on__gt=today, expires_on__lte=horizon)
            .values_list("pk", "expires_on"))
    sent = set(CredentialReminder.objects.filter(credential_id__in=[pk for pk, _ in rows])
               .values_list("credential_id", "days_before"))
    due = []
    for pk, expires_on in rows:
        left = (expires_on - today).days
        threshold = min(d for d in REMINDER_DAYS if d >= left)
        if (pk, threshold) not in sent:
            due.append((pk, threshold))
    return due
