from .accounts import PayoutAccount
from .chargebacks import Chargeback
from .ledger import LedgerEntry, LedgerTransaction
from .money import MilestoneEscrow, Payment, Refund, Release
from .reconciliation import ReconciliationRun
from .webhooks import WebhookEvent

__all__ = [
    "Chargeback", "LedgerEntry", "LedgerTransaction", "MilestoneEscrow", "Payment", "PayoutAccount",
    "ReconciliationRun", "Refund", "Release", "WebhookEvent",
]
