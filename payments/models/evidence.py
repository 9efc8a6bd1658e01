"""Completion submissions: the contractor's notes and evidence files for one milestone.

A submission is immutable once made (a resubmission after "changes requested" is a new
row). Files live under random keys in private storage and are only ever served through
a short-lived signed link to the two parties and staff (payments.views.evidence_file).
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models

from core.models import BaseModel


class Submission(BaseModel):
    milestone = models.ForeignKey("contracts.Milestone", on_delete=models.PROTECT, related_name="submissions")
    contractor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions")
    notes = models.TextField(max_length=5000)
    # Filled when the homeowner asks for changes on this submission.
    changes_requested_note = models.TextField(max_length=2000, blank=True)
    changes_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["milestone", "-created_at"], name="submission_milestone_idx")]

    def __str__(self):
        return f"Submission {str(self.pk)[:8]} for {self.milestone_id}"


def evidence_path(instance, filename):
    ext = PurePosixPath(filename).suffix.lower()
    return f"private/evidence/{uuid.uuid4().hex}{ext}"


class EvidenceFile(BaseModel):
    class Kind(models.TextChoices):
        IMAGE = "image", "Photo"
        PDF = "pdf", "PDF"

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    content_type = models.CharField(max_length=60)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["submission", "created_at"], name="evidence_submission_idx")]

    def __str__(self):
        return self.original_name
