"""Invitations to bid, sent from a contractor's profile by a homeowner with an open job."""

from django.conf import settings
from django.db import models

from core.models import BaseModel
from core.uploads import RandomUploadTo


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


class PortfolioPhoto(BaseModel):
    """A photo of past work on a contractor's public profile (re-encoded without EXIF)."""

    contractor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio")
    image = models.ImageField(upload_to=RandomUploadTo("portfolio"), max_length=200)
    content_type = models.CharField(max_length=40)
    caption = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position", "created_at"]
        indexes = [models.Index(fields=["contractor", "position"], name="portfolio_order_idx")]

    def __str__(self):
        return self.caption or f"Photo {self.position}"
