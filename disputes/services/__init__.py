"""Every dispute write goes through these functions (web, API, admin, tasks)."""

from .ladder import dispute_escalate, dispute_withdraw, disputes_advance_due, message_post, staff_note_add
from .offers import offer_accept, offer_make, offer_reject
from .opening import dispute_open
from .outcome import decision_contractor_cents, dispute_resolve, outcome_for, resolve_locked

__all__ = [
    "decision_contractor_cents", "dispute_escalate", "dispute_open", "dispute_resolve", "dispute_withdraw",
    "disputes_advance_due", "message_post", "offer_accept", "offer_make",
    "offer_reject", "outcome_for", "resolve_locked", "staff_note_add",
]
