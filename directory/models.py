"""Invitations to bid, sent from a contractor's profile by a homeowner with an open job."""

from django.conf import settings
from django.db import models

from core.models import BaseModel


class Invitation(BaseModel):
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="invitations")
    homeowner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_sent")
    contractor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="invitations_received")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "contractor"], name="invitation_once_per_job")]
        indexes = [models.Index(fields=["homeowner", "created_at"], name="invitation_rate_idx")]

    def __str__(self):
        return f"Invitation to {self.contractor_id} for {self.job_id}"


class InvitationOptOut(BaseModel):
    """A contractor who does not want invitations (the row's presence is the setting)."""

    contractor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                      related_name="invitation_opt_out")

    def __str__(self):
        return f"{self.contractor_id} takes no invitations"
