from .accounts import PayoutAccount
from .ledger import LedgerEntry, LedgerTransaction
from .money import MilestoneEscrow, Payment, Refund, Release
from .reconciliation import ReconciliationRun
from .webhooks import WebhookEvent

__all__ = [
    "LedgerEntry", "LedgerTransaction", "MilestoneEscrow", "Payment", "PayoutAccount",
    "ReconciliationRun", "Refund", "Release", "WebhookEvent",
]
