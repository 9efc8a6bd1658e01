"""Card disputes (chargebacks): the homeowner's bank taking a payment back through Stripe.

One row per Stripe dispute. The money it moves is booked from Stripe's own balance
transactions (withdrawn, reinstated) and, when the bank decides for the cardholder, from
the outcome; the columns below are the summary staff read, the ledger is the record.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.models import BaseModel


class ChargebackOutcome(models.TextChoices):
    OPEN = "open", "Open at the bank"
    WON = "won", "Won (money back)"
    LOST = "lost", "Lost (money gone)"
    CLOSED = "closed", "Closed without a decision"  # an inquiry (warning_closed)


class Chargeback(BaseModel):
    Outcome = ChargebackOutcome
    TRANSITIONS = {
        Outcome.OPEN: {Outcome.WON, Outcome.LOST, Outcome.CLOSED},
        Outcome.WON: set(),
        Outcome.LOST: set(),
        Outcome.CLOSED: set(),
    }

    payment = models.ForeignKey("payments.Payment", on_delete=models.PROTECT, related_name="chargebacks")
    milestone = models.ForeignKey("contracts.Milestone", on_delete=models.PROTECT, related_name="chargebacks")
    dispute_id = models.CharField(max_length=120, unique=True)
    charge_id = models.CharField(max_length=120, blank=True)
    amount_cents = models.BigIntegerField(help_text="What the bank disputes.")
    currency = models.CharField(max_length=3, default="usd")
    reason = models.CharField(max_length=60, blank=True, help_text="The bank's reason code, as Stripe gives it.")
    stripe_status = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    evidence_due_by = models.DateTimeField(null=True, blank=True)
    # What was at stake when it opened (shown to staff; the ledger has the movements).
    escrow_frozen_cents = models.BigIntegerField(default=0)
    released_before_cents = models.BigIntegerField(default=0)
    # Booked from Stripe's balance transactions.
    withdrawn_cents = models.BigIntegerField(default=0)
    reinstated_cents = models.BigIntegerField(default=0)
    fees_cents = models.BigIntegerField(default=0, help_text="Stripe's dispute fees, net of any returned.")
    # A lost dispute: where the money that left came from.
    lost_from_escrow_cents = models.BigIntegerField(default=0)
    lost_from_fees_cents = models.BigIntegerField(default=0)
    loss_cents = models.BigIntegerField(default=0, help_text="Borne by the platform (platform:losses).")
    # Staff may recover a loss from the contractor's future releases (README, "Chargebacks").
    recovery_contractor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="chargeback_recoveries")
    recovery_cents = models.BigIntegerField(default=0)
    recovered_cents = models.BigIntegerField(default=0)
    recovery_started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["outcome", "-created_at"], name="chargeback_outcome_idx"),
            models.Index(fields=["recovery_contractor", "outcome"], name="chargeback_recovery_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=ChargebackOutcome.values), name="chargeback_outcome_valid"),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="chargeback_amount_positive"),
            models.CheckConstraint(
                condition=Q(escrow_frozen_cents__gte=0, released_before_cents__gte=0, withdrawn_cents__gte=0,
                            reinstated_cents__gte=0, lost_from_escrow_cents__gte=0, lost_from_fees_cents__gte=0,
                            loss_cents__gte=0, recovered_cents__gte=0),
                name="chargeback_cents_non_negative"),
            models.CheckConstraint(condition=Q(recovery_cents__gte=F("recovered_cents"),
                                               recovery_cents__lte=F("loss_cents")),
                                   name="chargeback_recovery_range"),
        ]

    def __str__(self):
        return f"Chargeback {self.dispute_id} ({self.outcome})"

    @property
    def recovery_outstanding_cents(self) -> int:
        return self.recovery_cents - self.recovered_cents
