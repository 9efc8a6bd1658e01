from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from core.models import BaseModel

from .events import CHANNELS, EMAIL, SMS


class Notification(BaseModel):
    """One in-app notification. Its email/SMS copies are NotificationDelivery rows."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=2000, blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="Site path the notification links to.")
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    # Callers pass a key for events that may be raised more than once for the same thing
    # (a reminder sweeper, a retried service); the constraint makes the repeat a no-op.
    key = models.CharField(max_length=200, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # An email still to be gathered into the next batch (events with email_batched).
    email_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(email_pending=True), name="notif_email_pending_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created_idx"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notif_unread_idx"),
            models.Index(fields=["target_type", "target_id"], name="notif_target_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event", "key"], condition=~Q(key=""), name="notification_dedupe_key"
            ),
        ]

    def __str__(self):
        return f"{self.event} → {self.recipient_id}"

    @property
    def is_read(self):
        return self.read_at is not None


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"
    BOUNCED = "bounced", "Bounced"


class NotificationDelivery(BaseModel):
    """One email or SMS to send, written in the same transaction as the event.

    Exactly once: a task claims the row (pending -> sending, committed) before talking to
    the provider, so a second run of the task finds nothing to do; (notification, channel)
    is unique so a notification can never get two emails; the provider's status callback
    carries this row's id, so a row left in `sending` by a crash is recognised as sent.
    """

    Status = DeliveryStatus
    TRANSITIONS = {
        Status.PENDING: {Status.SENDING, Status.FAILED},
        # sending -> pending is a retry after a provider error; sending -> delivered/bounced
        # happens when the provider's callback arrives before our own commit.
        Status.SENDING: {Status.SENT, Status.PENDING, Status.FAILED, Status.DELIVERED, Status.BOUNCED},
        Status.SENT: {Status.DELIVERED, Status.FAILED, Status.BOUNCED},
        Status.DELIVERED: {Status.BOUNCED},
        Status.FAILED: set(),
        Status.BOUNCED: set(),
    }
    CHANNEL_CHOICES = [(EMAIL, "Email"), (SMS, "SMS")]

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", null=True, blank=True,
        help_text="Empty for messages that are not notifications (the one-time phone code).",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_deliveries"
    )
    event = models.CharField(max_length=60)
    channel = models.CharField(max_length=10, choices=CHANNEL_CHOICES)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    to = models.CharField(max_length=254, help_text="Address or E.164 number at the time of the event.")
    subject = models.CharField(max_length=300, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "notification deliveries"
        indexes = [
            # The sweeper's two queries: due pending rows and stale sending rows.
            models.Index(fields=["status", "next_attempt_at"], name="delivery_status_due_idx"),
            models.Index(fields=["status", "claimed_at"], name="delivery_status_claimed_idx"),
            models.Index(fields=["provider_id"], condition=~Q(provider_id=""), name="delivery_provider_idx"),
            models.Index(fields=["recipient", "-created_at"], name="delivery_recipient_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel"),
            models.CheckConstraint(condition=Q(channel__in=list(CHANNELS)), name="delivery_channel_valid"),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"),
        ]

    def __str__(self):
        return f"{self.channel} {self.event} → {self.to} ({self.status})"


class NotificationPreference(BaseModel):
    """An override of the catalogue default for one event and channel; absent = default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs")
    event = models.CharField(max_length=60)
    channel = models.CharField(max_length=10, choices=NotificationDelivery.CHANNEL_CHOICES)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "event", "channel"], name="preference_unique"),
            models.CheckConstraint(condition=Q(channel__in=list(CHANNELS)), name="preference_channel_valid"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.event}/{self.channel}={'on' if self.enabled else 'off'}"


class EmailSuppression(BaseModel):
    """An address the provider reported as hard-bounced or complained: no more email to it."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", "Hard bounce"
        COMPLAINED = "complained", "Marked as spam"

    email = models.EmailField(max_length=254)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.CharField(max_length=500, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=Q(cleared_at__isnull=True), name="email_suppression_active_unique"
            ),
        ]
        indexes = [models.Index(Lower("email"), name="email_suppression_email_idx")]

    def __str__(self):
        return f"{self.email} ({self.reason})"


class SmsOptOut(BaseModel):
    """A number that replied STOP. Removed when it replies START."""

    phone = models.CharField(max_length=20, unique=True)

    def __str__(self):
        return self.phone


class PhoneVerification(BaseModel):
    """A one-time code sent to a number (accounts/phone.py). Only a keyed hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone_verifications")
    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=128)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="phonever_user_created_idx"),
            models.Index(fields=["phone", "-created_at"], name="phonever_phone_created_idx"),
        ]

    def __str__(self):
        return f"code for {self.phone}"


class VerifiedPhone(BaseModel):
    """The claim of a number by the account that verified it: one owner per number.

    User.phone/phone_verified_at say what a user has; this table's unique constraints are
    what stop two accounts verifying the same number at the same moment.
    """

    phone = models.CharField(max_length=20, unique=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verified_phone")

    def __str__(self):
        return self.phone
