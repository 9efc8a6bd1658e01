from django.db import models

from core.models import BaseModel


class WebhookEvent(BaseModel):
    """Every Stripe event we accepted (signature valid), stored before it is applied."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Stored, nothing to do"
        FAILED = "failed", "Failed (staff alerted)"

    event_id = models.CharField(max_length=80, unique=True)
    type = models.CharField(max_length=80)
    livemode = models.BooleanField(default=False)
    api_version = models.CharField(max_length=40, blank=True)
    stripe_created = models.DateTimeField(null=True, blank=True)
    payload = models.JSONField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    deliveries = models.PositiveIntegerField(default=1)
    note = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["type", "-created_at"], name="webhook_type_idx"),
            models.Index(fields=["status", "-created_at"], name="webhook_status_idx"),
        ]
        constraints = [models.CheckConstraint(condition=models.Q(status__in=["received", "processed", "ignored", "failed"]),
                                              name="webhook_status_valid")]

    def __str__(self):
        return f"{self.type} {self.event_id}"
