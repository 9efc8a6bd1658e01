import uuid

from django.db import models


class BaseModel(models.Model):
    """Opaque UUID primary key (ids are exposed in URLs and the API) plus timestamps."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Hideable(models.Model):
    """Content moderators can remove (moderation app, through each app's own hide service):
    when, and the reason shown to its author in its place. Pair with `hidden_has_reason`."""

    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        abstract = True


def hidden_has_reason(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(hidden_at__isnull=True) | ~models.Q(hidden_reason=""), name=name)


class FormSubmission(models.Model):
    """One accepted submission of a rendered form (core/once.py): the token is unique per
    user, so the same form can never create two jobs, bids, payments or messages."""

    id = models.BigAutoField(primary_key=True)
    # Plain id, no foreign key: core sits below accounts, and an erased account's rows can go.
    user_id = models.UUIDField()
    token = models.CharField(max_length=64)
    scope = models.CharField(max_length=60)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user_id", "token"], name="form_submission_once")]

    def __str__(self):
        return f"{self.scope} {self.token[:8]}"


class IdempotencyRecord(models.Model):
    """The first response to an API write sent with an `Idempotency-Key` (core.idempotency).

    `owner` is whom the key belongs to ("token:<sha256>" or "user:<id>"): keys are per token,
    so two partners can never see each other's responses. `response_status` is null while
    the first request is still running, which is how a concurrent retry is told apart.
    """

    owner = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(default=b"")
    response_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key_unique")]

    def __str__(self):
        return f"{self.owner[:16]}… {self.key}"


class OutboxEvent(models.Model):
    """Something that happened, written in the same transaction as the change (core.outbox).

    Domain services record *that* a job was published; what each interested party may learn
    about it is decided later, when the row is processed, by the layer that knows every app's
    selectors and serializers (webhooks). So no low-layer service imports upward.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event_type = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, help_text="app_label.model of the subject")
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True, help_text="Extra facts the subject alone does not carry.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["created_at"], condition=models.Q(processed_at__isnull=True), name="outbox_unprocessed_idx"),
        ]

    def __str__(self):
        return f"{self.event_type} {self.object_type}:{self.object_id}"
