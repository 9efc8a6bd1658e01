from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import BaseModel


class RefreshTrigger(models.TextChoices):
    BEAT = "beat", "Hourly schedule"
    STAFF = "staff", "Staff, from admin"
    COMMAND = "command", "Management command"


class RefreshLog(BaseModel):
    """One refresh of one materialized view: when, how long, who asked. The analytics page
    shows the latest per view; the log shows how refresh time grows with the data."""

    Trigger = RefreshTrigger

    view = models.CharField(max_length=60)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    concurrent = models.BooleanField(default=True, help_text="Refreshed CONCURRENTLY (reads never blocked).")
    duration_ms = models.PositiveIntegerField(default=0)
    rows = models.BigIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["view", "-created_at"], name="refreshlog_view_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(trigger__in=RefreshTrigger.values), name="refreshlog_trigger_valid"),
        ]

    def __str__(self):
        return f"{self.view} refreshed in {self.duration_ms} ms"


class MarketplaceInsights(RefreshLog):
    """No data of its own: gives the staff analytics page its place in the admin index
    (analytics.admin shows the dashboard as this model's list page)."""

    class Meta:
        proxy = True
        verbose_name = "Marketplace insights"
        verbose_name_plural = "Marketplace insights"
