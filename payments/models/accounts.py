from django.conf import settings
from django.db import models

from core.models import BaseModel


class PayoutAccount(BaseModel):
    """A contractor's Connect Express account (or its simulated stand-in)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payout_account")
    gateway = models.CharField(max_length=20)
    account_id = models.CharField(max_length=80, unique=True)
    payouts_enabled = models.BooleanField(default=False)
    charges_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    requirements_due = models.JSONField(default=list, blank=True)
    # Stripe may deliver account.updated events out of order: older ones must not win.
    state_as_of = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["payouts_enabled"], name="payout_account_enabled_idx")]

    def __str__(self):
        return f"{self.account_id} ({'ready' if self.payouts_enabled else 'onboarding'})"
