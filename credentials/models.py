"""Contractor credentials (trade license, insurance, bond) checked by staff against a
document and the state's licensing board. Only a verified credential that has not reached
its expiry date earns a badge; everything else a contractor typed is "self-reported".

Documents live under random keys in private storage and are only served through a signed
link made for one viewer (credentials.views.document).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import BaseModel
from core.uploads import RandomUploadTo


class Credential(BaseModel):
    class Kind(models.TextChoices):
        LICENSE = "license", "Trade license"
        INSURANCE = "insurance", "Liability insurance"
        BOND = "bond", "Surety bond"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Awaiting review"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Expired"

    # A rejected or expired credential is never revived: the contractor adds a new one, so
    # the history of what staff saw and decided stays as it was.
    TRANSITIONS = {
        Status.SUBMITTED: {Status.VERIFIED, Status.REJECTED, Status.EXPIRED},
        Status.VERIFIED: {Status.EXPIRED},
        Status.REJECTED: set(),
        Status.EXPIRED: set(),
    }

    contractor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    number = models.CharField("license / policy / bond number", max_length=60)
    state = models.CharField(max_length=2, blank=True, help_text="Issuing state (licenses).")
    license_class = models.CharField(max_length=60, blank=True, help_text="e.g. Master Plumber (licenses).")
    issuer = models.CharField(max_length=120, blank=True, help_text="Insurer or surety company.")
    coverage_cents = models.BigIntegerField(null=True, blank=True, help_text="Insurance coverage / bond amount.")
    currency = models.CharField(max_length=3, default="usd")
    expires_on = models.DateField()
    document = models.FileField(upload_to=RandomUploadTo("private/credentials"), max_length=200)
    document_name = models.CharField(max_length=200)
    document_type = models.CharField(max_length=60)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="credential_queue_idx"),
            models.Index(fields=["contractor", "kind", "status"], name="credential_owner_idx"),
            models.Index(fields=["status", "expires_on"], name="credential_expiry_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(coverage_cents__isnull=True) | models.Q(coverage_cents__gte=0),
                                   name="credential_coverage_non_negative"),
            models.CheckConstraint(condition=models.Q(status__in=["submitted", "verified", "rejected", "expired"]),
                                   name="credential_status_valid"),
            models.CheckConstraint(condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                                   name="credential_rejection_has_reason"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number} ({self.get_status_display()})"

    @property
    def earns_badge(self) -> bool:
        """Verified and before its expiry date: the badge disappears on the day it expires."""
        return self.status == self.Status.VERIFIED and self.expires_on > timezone.localdate()

    @property
    def is_pdf(self) -> bool:
        return self.document_type == "application/pdf"


class CredentialReminder(BaseModel):
    """One row per credential per threshold: the reminder task inserts it first, so a
    second run (or a second worker) finds it and sends nothing."""

    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["credential", "days_before"], name="credential_reminder_once")]

    def __str__(self):
        return f"{self.credential_id} -{self.days_before}d"
