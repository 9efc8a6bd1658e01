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


class Logo(BaseModel):
    """A contractor's business logo (re-encoded without EXIF, at most LOGO_SIZE px a side).
    A new upload is a new row, so the logo's URL (which carries the row id) changes with it
    and browsers may cache each one for a long time."""

    contractor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                      related_name="contractor_logo")
    image = models.ImageField(upload_to=RandomUploadTo("logos"), max_length=200)
    content_type = models.CharField(max_length=40)
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()

    def __str__(self):
        return f"Logo of {self.contractor_id}"


class ContractorStats(BaseModel):
    """Profile metrics derived from contracts, milestones, disputes and messages
    (directory.stats.refresh). Never edited by hand: a beat task recomputes the rows of
    contractors with recent activity every 15 minutes and every row nightly, so list pages
    read them with one join instead of aggregating history per request."""

    contractor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                      related_name="contractor_stats")
    contracts = models.PositiveIntegerField(default=0, help_text="Contracts under way or finished (not cancelled).")
    contracts_disputed = models.PositiveIntegerField(default=0, help_text="Of those, with a dispute not withdrawn.")
    milestones_completed = models.PositiveIntegerField(default=0, help_text="Released or split milestones.")
    milestones_on_time = models.PositiveIntegerField(default=0, help_text="Of those, first submitted by the due date.")
    reply_samples = models.PositiveIntegerField(default=0, help_text="Homeowner messages counted for response time.")
    reply_median_minutes = models.PositiveIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "contractor stats"
        constraints = [
            models.CheckConstraint(condition=models.Q(contracts_disputed__lte=models.F("contracts")),
                                   name="stats_disputed_lte_contracts"),
            models.CheckConstraint(condition=models.Q(milestones_on_time__lte=models.F("milestones_completed")),
                                   name="stats_on_time_lte_completed"),
        ]

    def __str__(self):
        return f"Stats of {self.contractor_id}"
