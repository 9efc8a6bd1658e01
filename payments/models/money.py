"""Payment, Release and Refund rows: each written in the same transaction as the state
change that asks for it, then performed by a task keyed by the row (ARCHITECTURE rule 6)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.models import BaseModel
from core.money import MAX_AMOUNT_CENTS


class MilestoneEscrow(BaseModel):
    """The money held for one milestone. `held` mirrors the escrow ledger account;
    `reserved` is the part already promised to a pending release or refund, so two
    outflows can never together exceed what is held."""

    milestone = models.OneToOneField("contracts.Milestone", on_delete=models.PROTECT, related_name="escrow")
    currency = models.CharField(max_length=3, default="usd")
    held_cents = models.BigIntegerField(default=0)
    reserved_cents = models.BigIntegerField(default=0)
    funded_cents = models.BigIntegerField(default=0)
    released_cents = models.BigIntegerField(default=0)
    refunded_cents = models.BigIntegerField(default=0)
    # A card dispute (chargeback) or a refund made outside our code touched this milestone's
    # payment: no new release or refund is created and none is sent until it is lifted
    # (the dispute closes, or staff unfreeze it after looking).
    frozen_at = models.DateTimeField(null=True, blank=True)
    frozen_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(held_cents__gte=0), name="escrow_held_non_negative"),
            models.CheckConstraint(condition=Q(reserved_cents__gte=0), name="escrow_reserved_non_negative"),
            models.CheckConstraint(condition=Q(reserved_cents__lte=F("held_cents")), name="escrow_reserved_lte_held"),
            models.CheckConstraint(
                condition=Q(held_cents=F("funded_cents") - F("released_cents") - F("refunded_cents")),
                name="escrow_held_consistent",
            ),
        ]

    def __str__(self):
        return f"Escrow for {self.milestone_id}: {self.held_cents}"

    @property
    def available_cents(self):
        return self.held_cents - self.reserved_cents

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Awaiting payment"
    SUCCEEDED = "succeeded", "Paid"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


class Payment(BaseModel):
    """The homeowner paying one milestone plus the platform fee."""

    Status = PaymentStatus
    # Forward only. failed -> succeeded: Checkout lets the payer retry the same session
    # after a declined card; expired sessions can never be paid (Stripe guarantees it).
    TRANSITIONS = {
        Status.PENDING: {Status.SUCCEEDED, Status.FAILED, Status.EXPIRED},
        Status.FAILED: {Status.SUCCEEDED, Status.EXPIRED},
        Status.SUCCEEDED: set(),
        Status.EXPIRED: set(),
    }
    LIVE = (Status.PENDING, Status.FAILED, Status.SUCCEEDED)

    milestone = models.ForeignKey("contracts.Milestone", on_delete=models.PROTECT, related_name="payments")
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments")
    amount_cents = models.BigIntegerField()
    fee_cents = models.BigIntegerField()
    total_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    gateway = models.CharField(max_length=20)
    checkout_session_id = models.CharField(max_length=120, null=True, blank=True, unique=True)
    checkout_url = models.URLField(max_length=1000, blank=True)
    payment_intent_id = models.CharField(max_length=120, null=True, blank=True, unique=True)
    charge_id = models.CharField(max_length=120, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True, help_text="A card dispute (chargeback) was opened.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["milestone", "status"], name="payment_milestone_status_idx"),
            models.Index(fields=["payer", "-created_at"], name="payment_payer_idx"),
            models.Index(fields=["status", "created_at"], name="payment_status_created_idx"),
        ]
        constraints = [
            # Funding twice is impossible: one live payment per milestone.
            models.UniqueConstraint(fields=["milestone"], condition=Q(status__in=["pending", "failed", "succeeded"]),
                                    name="payment_one_live_per_milestone"),
            models.CheckConstraint(condition=Q(amount_cents__gt=0, amount_cents__lte=MAX_AMOUNT_CENTS),
                                   name="payment_amount_range"),
            models.CheckConstraint(condition=Q(fee_cents__gte=0), name="payment_fee_non_negative"),
            models.CheckConstraint(condition=Q(total_cents=F("amount_cents") + F("fee_cents")), name="payment_total_sum"),
            models.CheckConstraint(condition=Q(status__in=PaymentStatus.values), name="payment_status_valid"),
        ]

    def __str__(self):
        return f"Payment {str(self.pk)[:8]} ({self.status})"

    @property
    def idempotency_key(self):
        return f"fund-{self.pk}"

    @property
    def receipt_number(self) -> str:
        return f"FTW-{str(self.pk)[:8].upper()}"


class ReleaseStatus(models.TextChoices):
    PENDING = "pending", "Queued"
    WAITING = "waiting", "Waiting for payout setup"
    HELD = "held", "Held (card dispute or outside refund on the payment)"
    SUCCEEDED = "succeeded", "Sent"
    FAILED = "failed", "Failed (staff notified)"
    REVERSED = "reversed", "Reversed"


class Release(BaseModel):
    """Escrow of one milestone going to the contractor's Connect account."""

    Status = ReleaseStatus
    TRANSITIONS = {
        Status.PENDING: {Status.WAITING, Status.HELD, Status.SUCCEEDED, Status.FAILED},
        Status.WAITING: {Status.PENDING, Status.SUCCEEDED},
        Status.HELD: {Status.PENDING, Status.SUCCEEDED},  # the escrow is unfrozen; or a late webhook
        Status.FAILED: {Status.PENDING, Status.SUCCEEDED},  # staff retry; or a late webhook proves it went
        Status.SUCCEEDED: {Status.REVERSED},
        Status.REVERSED: set(),
    }
    # Approved for the contractor, not sent yet: the contract page's and the payouts page's
    # "pending payout" (the money is still held, promised to this release).
    OUTSTANDING = (Status.PENDING, Status.WAITING, Status.HELD, Status.FAILED)

    class Reason(models.TextChoices):
        APPROVED = "approved", "Approved by the homeowner"
        AUTO_APPROVED = "auto_approved", "Approved automatically"
        DISPUTE = "dispute", "Dispute outcome"

    milestone = models.ForeignKey("contracts.Milestone", on_delete=models.PROTECT, related_name="releases")
    contractor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="releases")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="releases")
    amount_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.APPROVED)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    transfer_id = models.CharField(max_length=120, null=True, blank=True, unique=True)
    destination = models.CharField(max_length=80, blank=True)
    # Kept back from the transfer to recover a lost chargeback the platform covered
    # (Chargeback.recovery_*); fixed when the release is created, booked when it succeeds.
    withheld_cents = models.BigIntegerField(default=0)
    # Bumped only by a staff retry after a terminal (4xx) failure: Stripe stores the
    # rejected answer under the old key, and nothing moved under it.
    key_generation = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="release_status_idx"),
            models.Index(fields=["contractor", "status"], name="release_contractor_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["milestone"], name="release_one_per_milestone"),
            models.CheckConstraint(condition=Q(amount_cents__gt=0, amount_cents__lte=MAX_AMOUNT_CENTS),
                                   name="release_amount_range"),
            models.CheckConstraint(condition=Q(status__in=ReleaseStatus.values), name="release_status_valid"),
            models.CheckConstraint(condition=Q(withheld_cents__gte=0, withheld_cents__lte=F("amount_cents")),
                                   name="release_withheld_range"),
        ]

    def __str__(self):
        return f"Release {str(self.pk)[:8]} ({self.status})"

    @property
    def transfer_cents(self) -> int:
        """What the Transfer carries: the amount released, less any chargeback recovery."""
        return self.amount_cents - self.withheld_cents

    @property
    def idempotency_key(self):
        return f"release-{self.pk}" + (f"-retry{self.key_generation}" if self.key_generation else "")


class RefundStatus(models.TextChoices):
    PENDING = "pending", "Queued"
    SUCCEEDED = "succeeded", "Refunded"
    FAILED = "failed", "Failed (staff notified)"


class RefundKind(models.TextChoices):
    ESCROW = "escrow", "Escrow back to the homeowner"
    FEE = "fee", "Platform fee back to the homeowner"
    OUTSIDE = "outside", "Made outside FairTradeWorker (Stripe dashboard)"


class Refund(BaseModel):
    """Money going back to the homeowner's card, one row per Stripe refund: escrow of one
    milestone (all or part), the platform fee on a refunded part (dispute outcomes), or a
    refund someone made in the Stripe dashboard that we learned of by webhook (`outside`).
    One execute/apply/retry/sweep path serves all three (payments.services.refunds)."""

    Status = RefundStatus
    Kind = RefundKind
    TRANSITIONS = {
        Status.PENDING: {Status.SUCCEEDED, Status.FAILED},
        Status.FAILED: {Status.PENDING, Status.SUCCEEDED},
        Status.SUCCEEDED: set(),
    }

    milestone = models.ForeignKey("contracts.Milestone", on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    homeowner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="refunds")
    kind = models.CharField(max_length=10, choices=RefundKind.choices, default=RefundKind.ESCROW)
    amount_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    reason = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    refund_id = models.CharField(max_length=120, null=True, blank=True, unique=True)
    key_generation = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "updated_at"], name="refund_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0, amount_cents__lte=MAX_AMOUNT_CENTS),
                                   name="refund_amount_range"),
            models.CheckConstraint(condition=Q(status__in=RefundStatus.values), name="refund_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=RefundKind.values), name="refund_kind_valid"),
            # We never ask Stripe for an outside refund: it exists there before it exists here.
            models.CheckConstraint(condition=~Q(kind="outside") | Q(refund_id__isnull=False),
                                   name="refund_outside_has_provider_id"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {str(self.pk)[:8]} ({self.status})"

    @property
    def idempotency_key(self):
        # Fee refunds keep the key they had as disputes.FeeRefund rows (same pk, migrated):
        # a refund pending at Stripe under the old key must never be asked for twice.
        prefix = "fee-refund" if self.kind == RefundKind.FEE else "refund"
        return f"{prefix}-{self.pk}" + (f"-retry{self.key_generation}" if self.key_generation else "")

    @property
    def ledger_prefix(self) -> str:
        """Ledger keys of this refund's postings (fee refunds keep their historical keys)."""
        return f"fee-refund:{self.pk}" if self.kind == RefundKind.FEE else f"refund:{self.pk}"
