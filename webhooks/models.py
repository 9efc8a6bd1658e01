"""Outbound webhooks (Standard Webhooks): endpoints, one message per event and endpoint, and
one attempt row per HTTP request made."""

from django.conf import settings
from django.db import models

from core.models import BaseModel


class WebhookEndpoint(BaseModel):
    """A partner's receiver. The secret is needed to sign, so it is stored; it is shown to the
    owner once (at creation and at rotation) and never returned by the API afterwards."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.CharField(max_length=500, help_text="Checked by webhooks.transport.check_url (https, no private address).")
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, help_text="webhooks.catalogue event type names")
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    is_enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "is_enabled"])]

    def __str__(self):
        return self.url

    def signing_secrets(self, now) -> list[str]:
        """The current secret, plus the previous one for 24 hours after a rotation."""
        secrets = [self.secret]
        if self.previous_secret and self.previous_secret_expires_at and self.previous_secret_expires_at > now:
            secrets.append(self.previous_secret)
        return secrets


class WebhookMessage(BaseModel):
    """One event for one endpoint: the exact body sent on every attempt (signed per attempt)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="messages")
    event = models.ForeignKey("core.OutboxEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    msg_id = models.CharField(max_length=40, unique=True, help_text="webhook-id: the receiver's dedup key")
    event_type = models.CharField(max_length=64)
    payload = models.TextField(help_text="The JSON body, byte for byte what is signed and sent.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_message_once_per_event",
                                    condition=models.Q(event__isnull=False)),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="webhook_msg_due_idx"),
            models.Index(fields=["endpoint", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.event_type} {self.msg_id}"


class WebhookAttempt(models.Model):
    """One HTTP request: what was sent (headers; the body is the message's), what came back, how long."""

    message = models.ForeignKey(WebhookMessage, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField(db_index=True)
    duration_ms = models.PositiveIntegerField()
    request_headers = models.JSONField(default=dict)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, help_text="The first 2 KB.")
    error = models.CharField(max_length=300, blank=True)
    triggered_by = models.CharField(max_length=20, default="schedule", help_text="schedule or resend")

    class Meta:
        ordering = ["started_at"]

    def __str__(self):
        return f"{self.message_id} {self.response_status or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.response_status is not None and 200 <= self.response_status < 300
