"""Money that left a milestone's escrow without the lifecycle asking for it: the homeowner's
bank kept a card dispute (a lost chargeback), or someone refunded the charge in the Stripe
dashboard. payments books it and tells us through payments.hooks (escrow_returned), inside
the same transaction, with job, contract and milestone locked through lock_milestone.

- Nothing left in escrow: the money is back with the homeowner, so the milestone is closed
  as `refunded` (the auto-approve clock stops), and the contract completes if it was the
  last open milestone. Without this an approval would answer "escrow does not cover" for ever.
- Some left: the milestone stays open with the smaller escrow; both parties are told how
  much is left. An approval later releases what the escrow holds (completion.release_amount).
- A milestone in a platform dispute is left to the dispute (staff decide it) and staff are
  told; an unfunded or closed milestone has no lifecycle step to take.
"""

from django.utils import timezone

import audit
from core.fsm import check_transition
from payments.alerts import alert_staff
from payments.notify import send

from ..models import Milestone
from .common import contract_url
from .completion import contract_complete_if_done

CAUSES = {
    "chargeback": "The bank returned this payment to the homeowner (a card dispute decided for the cardholder).",
    "outside_refund": "This payment was refunded to the homeowner's card.",
}
CLOSABLE = (Milestone.Status.FUNDED, Milestone.Status.SUBMITTED)


def milestone_escrow_returned(*, milestone: Milestone, cause: str, amount_cents: int, escrow_left_cents: int,
                              reference: str = "") -> bool:
    """Returns True if the milestone was closed as refunded."""
    if cause not in CAUSES:
        raise ValueError(f"Unknown cause of returned escrow: {cause!r}")
    contract = milestone.contract
    if milestone.status == Milestone.Status.DISPUTED:
        # The dispute's outcome moves this escrow; staff must decide it knowing it shrank.
        alert_staff("milestone.escrow_returned_in_dispute", milestone, "Escrow of a milestone in a platform dispute "
                    "went back to the homeowner outside the dispute; decide the dispute with what is left.",
                    cause=cause, amount=amount_cents, escrow_left=escrow_left_cents, reference=reference)
        return False
    if milestone.status not in CLOSABLE:
        return False  # unfunded (money that arrived unexpectedly) or already closed: nothing to change
    closed = escrow_left_cents == 0
    if closed:
        check_transition(Milestone.TRANSITIONS, milestone.status, Milestone.Status.REFUNDED, label="milestone")
        before = milestone.status
        milestone.status = Milestone.Status.REFUNDED
        milestone.closed_at = timezone.now()
        milestone.auto_approve_at = None  # nothing left to approve
        milestone.save(update_fields=["status", "closed_at", "auto_approve_at", "updated_at"])
        audit.record(None, f"milestone.refunded_by_{cause}", milestone, was=before, amount_cents=amount_cents,
                     reference=reference)
    else:
        audit.record(None, f"milestone.escrow_reduced_by_{cause}", milestone, amount_cents=amount_cents,
                     escrow_left_cents=escrow_left_cents, reference=reference)
    send("milestone.escrow_returned", [contract.homeowner, contract.contractor],
         {"job_title": contract.job.title, "milestone_title": milestone.title, "amount_cents": amount_cents,
          "escrow_left_cents": escrow_left_cents, "cause": CAUSES[cause], "closed": "yes" if closed else "",
          "url": contract_url(contract)}, milestone, key=f"escrow-returned:{cause}:{reference}:{escrow_left_cents}")
    if closed:
        contract_complete_if_done(contract=contract)
    return closed
