"""Double-entry ledger: transactions whose entries sum to zero per currency.

Signed integer cents, debit-positive: an asset account (stripe:balance) carries a positive
balance, liability and revenue accounts (escrow, payables, fees) a negative one. Rows are
append-only in Python (below) and, on PostgreSQL, in the database (migration 0002 adds
triggers that refuse UPDATE/DELETE and check at commit that each transaction sums to zero).
"""

import uuid

from django.db import models
from django.db.models import Q


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The ledger is append-only: post a reversing transaction instead.")

    def delete(self):
        raise TypeError("The ledger is append-only: post a reversing transaction instead.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The ledger is append-only: post a reversing transaction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The ledger is append-only: post a reversing transaction instead.")


class LedgerTransaction(AppendOnlyModel):
    class Kind(models.TextChoices):
        FUNDING = "funding", "Milestone funded"
        RELEASE = "release", "Escrow released to contractor"
        PAYOUT = "payout", "Transfer to contractor"
        REFUND = "refund", "Escrow refunded to homeowner"
        REFUND_PAYOUT = "refund_payout", "Refund paid to homeowner"
        REVERSAL = "reversal", "Reversal"
        CHARGEBACK = "chargeback", "Card dispute: money withdrawn or reinstated by Stripe"
        CHARGEBACK_LOST = "chargeback_lost", "Card dispute lost"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Derived from the economic event (e.g. "payment:<id>:funded"): the unique index makes
    # posting the same event twice impossible, whichever path (task, webhook, retry) tries.
    key = models.CharField(max_length=120, unique=True)
    memo = models.CharField(max_length=200, blank=True)
    # The Stripe object this posting mirrors (charge's PaymentIntent, transfer, refund,
    # balance transaction), so reconciliation can match Stripe's balance history to it.
    reference = models.CharField(max_length=120, blank=True, db_index=True)
    milestone = models.ForeignKey(
        "contracts.Milestone", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_transactions"
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["milestone", "created_at"], name="ledger_tx_milestone_idx")]
        constraints = [models.CheckConstraint(condition=Q(kind__in=[
            "funding", "release", "payout", "refund", "refund_payout", "reversal", "chargeback", "chargeback_lost"]),
            name="ledger_tx_kind_valid")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.key}"


class LedgerEntry(AppendOnlyModel):
    id = models.BigAutoField(primary_key=True)
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.CharField(max_length=120)
    amount_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["account", "currency"], name="ledger_entry_account_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_cents=0), name="ledger_entry_nonzero"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[a-z]{3}$"), name="ledger_entry_currency_iso"),
        ]

    def __str__(self):
        return f"{self.account} {self.amount_cents:+d} {self.currency}"
