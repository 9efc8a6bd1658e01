from django.db import models

from core.models import BaseModel


class ReconciliationRun(BaseModel):
    """One run of the reconciliation checks and what it found (shown in admin)."""

    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    checked = models.JSONField(default=dict, blank=True)
    differences = models.JSONField(default=list, blank=True)
    remote_checked = models.BooleanField(default=False, help_text="Compared with Stripe's objects too.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Reconciliation {self.created_at:%Y-%m-%d %H:%M} ({'ok' if self.ok else 'differences'})"
