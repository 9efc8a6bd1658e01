"""Posting to the double-entry ledger. The only code that writes LedgerEntry rows.

Named accounts (ARCHITECTURE.md "Money"), debit-positive signed cents:
  stripe:balance                 our money at Stripe (asset: positive while we hold funds)
  escrow:milestone:<id>          held for a milestone (liability: negative while held)
  contractor:<id>:payable        owed to a contractor until the transfer goes out
  homeowner:<id>:refunds         owed back to a homeowner until the refund goes out
  platform:fees                  our revenue (negative: credits)
  platform:chargebacks           money a card dispute took from our Stripe balance while the
                                 bank decides (asset: positive while withdrawn, zero once decided)
  platform:dispute_fees          Stripe's dispute fees (expense: positive)
  platform:losses                money we bore: lost disputes and outside refunds beyond what
                                 escrow and fees covered, less what was recovered (expense)
"""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Sum

from core.exceptions import ValidationFailed

from .models import LedgerEntry, LedgerTransaction

STRIPE_BALANCE = "stripe:balance"
PLATFORM_FEES = "platform:fees"
PLATFORM_CHARGEBACKS = "platform:chargebacks"
PLATFORM_DISPUTE_FEES = "platform:dispute_fees"
PLATFORM_LOSSES = "platform:losses"


def escrow_account(milestone_id) -> str:
    return f"escrow:milestone:{milestone_id}"


def contractor_payable(user_id) -> str:
    return f"contractor:{user_id}:payable"


def homeowner_refunds(user_id) -> str:
    return f"homeowner:{user_id}:refunds"


class UnbalancedTransaction(ValidationFailed):
    pass


def _validate(entries: list[tuple[str, int, str]]) -> None:
    if len(entries) < 2:
        raise UnbalancedTransaction("A ledger transaction needs at least two entries.")
    totals: dict[str, int] = defaultdict(int)
    for account, cents, currency in entries:
        if not isinstance(cents, int) or isinstance(cents, bool):
            raise UnbalancedTransaction(f"Ledger amounts are integer cents, got {cents!r}.")
        if cents == 0:
            raise UnbalancedTransaction("A ledger entry cannot be zero.")
        if not account or len(account) > 120:
            raise UnbalancedTransaction(f"Bad ledger account name {account!r}.")
        if len(currency) != 3 or currency != currency.lower():
            raise UnbalancedTransaction(f"Bad currency {currency!r}.")
        totals[currency] += cents
    unbalanced = {currency: total for currency, total in totals.items() if total}
    if unbalanced:
        raise UnbalancedTransaction(f"Ledger transaction does not sum to zero: {unbalanced}.")


def post(*, kind: str, key: str, entries: list[tuple[str, int, str]], milestone=None, memo: str = "",
         reference: str = ""):
    """Post one balanced transaction. Returns (transaction, created).

    `key` names the economic event; posting an event that is already in the ledger returns
    the existing transaction instead of booking it twice (idempotent by construction).
    """
    _validate(entries)
    existing = LedgerTransaction.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            tx = LedgerTransaction.objects.create(kind=kind, key=key, milestone=milestone, memo=memo[:200],
                                                  reference=(reference or "")[:120])
            LedgerEntry.objects.bulk_create(
                LedgerEntry(transaction=tx, account=account, amount_cents=cents, currency=currency)
                for account, cents, currency in entries
            )
    except IntegrityError:
        # A concurrent poster won the unique key: the event is booked exactly once.
        return LedgerTransaction.objects.get(key=key), False
    return tx, True


def nonzero(entries: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    """Drop the parts of a split posting that came to zero (e.g. no fee to take back)."""
    return [entry for entry in entries if entry[1] != 0]


def balance(account: str, currency: str = "usd") -> int:
    return LedgerEntry.objects.filter(account=account, currency=currency).aggregate(s=Sum("amount_cents"))["s"] or 0


def unbalanced_transactions() -> list[dict]:
    """Every (transaction, currency) whose entries do not sum to zero: should always be empty."""
    rows = (
        LedgerEntry.objects.values("transaction_id", "currency")
        .annotate(total=Sum("amount_cents"))
        .exclude(total=0)
    )
    return [{"transaction": str(r["transaction_id"]), "currency": r["currency"], "total": r["total"]} for r in rows]
