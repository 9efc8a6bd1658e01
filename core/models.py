import uuid

from django.db import models


class BaseModel(models.Model):
    """Opaque UUID primary key (ids are exposed in URLs and the API) plus timestamps."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


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
