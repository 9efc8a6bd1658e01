"""Every write to contracts and the milestone lifecycle (web, API, admin, tasks, webhooks).

contracts owns the lifecycle and decides *when* money moves, by calling payments.services;
payments never imports contracts (it reaches the lifecycle only through payments.hooks,
wired in contracts.apps). Lock order: core.locks.
"""

from .autoapprove import REMINDER_DAYS, auto_approve_reminders_send, milestones_auto_approve_due
from .award import bid_accept, contract_create_from_bid
from .cancellation import contract_cancel, job_cancel
from .common import lock_contract, lock_milestone
from .completion import contract_complete_if_done, milestone_approve, milestone_request_changes, milestone_submit
from .funding import milestone_fund, milestone_mark_funded
from .returned import milestone_escrow_returned

__all__ = [
    "REMINDER_DAYS", "auto_approve_reminders_send", "bid_accept", "contract_cancel", "contract_complete_if_done",
    "contract_create_from_bid", "job_cancel", "lock_contract", "lock_milestone", "milestone_approve",
    "milestone_escrow_returned", "milestone_fund", "milestone_mark_funded", "milestone_request_changes", "milestone_submit",
    "milestones_auto_approve_due",
]
