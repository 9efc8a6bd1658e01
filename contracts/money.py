"""A contract's money as payments' rows say it moved: the one selector of it.

`contract_money` reads the escrow, payment, release and refund rows of a contract's
milestones and says, per milestone and in total, what was funded, what is still in escrow,
what is approved and waiting for its payout, what was paid out to the contractor and what
went back to the homeowner (the platform fee refunds too). The contract page (summary,
milestone badges, timeline) and the API read it, and the payouts page uses the same
definitions (`contractor_in_escrow_cents`, payments' Release.OUTSTANDING), so they agree.
Milestone amounts are what the contract says; after a dispute split the money differs.
"""

from dataclasses import dataclass, field, fields

from django.db.models import F, Prefetch, Sum, prefetch_related_objects

from core.money import format_cents
from payments.models import Chargeback, MilestoneEscrow, Payment, Refund, Release

from .models import Contract, Milestone, Submission

# --- escrow state: what approval may release, in words both parties read -------------------


@dataclass(frozen=True)
class EscrowState:
    frozen: bool = False
    held_cents: int = 0
    releasable_cents: int = 0  # what an approval would release now
    notice: str = ""  # shown to both parties; "" when there is nothing unusual to say
    approve_blocked: str = ""  # why the homeowner cannot approve now; "" when they can


CARD_DISPUTE_FROZEN = ("The homeowner's bank is reviewing a card dispute on this payment. The money is frozen in "
                       "escrow until the bank decides, so this milestone cannot be approved or paid out until then.")
OUTSIDE_REFUND_FROZEN = ("Part of this payment was refunded to the homeowner's card and our staff are reviewing it. "
                         "The money left is frozen in escrow until they finish, so this milestone cannot be approved "
                         "until then.")


def escrow_state(milestone: Milestone, escrow: MilestoneEscrow | None, chargebacks=(), refunds=()) -> EscrowState:
    """The one place that decides what approval may release and what the parties are told.

    Frozen (a card dispute open at the bank, or a refund made outside our code that staff
    have not looked at): approval is refused with the reason. Reduced (an outside refund or
    a partly lost card dispute took part of it back to the homeowner): approval releases what
    is left, never more, and says so. Closed by the bank or a refund: say why.
    """
    if milestone.status == Milestone.Status.REFUNDED:
        if any(c.outcome == Chargeback.Outcome.LOST and c.lost_from_escrow_cents for c in chargebacks):
            return EscrowState(notice="The bank returned this payment to the homeowner; milestone closed.")
        if any(r.kind == Refund.Kind.OUTSIDE and r.status == Refund.Status.SUCCEEDED for r in refunds):
            return EscrowState(notice="This payment was refunded to the homeowner's card; milestone closed.")
        return EscrowState()
    if escrow is None or milestone.status not in Milestone.IN_ESCROW:
        return EscrowState(releasable_cents=milestone.amount_cents if escrow is None else 0)
    if escrow.frozen:
        words = CARD_DISPUTE_FROZEN if escrow.frozen_reason.startswith("card dispute") else OUTSIDE_REFUND_FROZEN
        return EscrowState(frozen=True, held_cents=escrow.held_cents, notice=words, approve_blocked=words)
    releasable = min(milestone.amount_cents, escrow.available_cents)
    if releasable <= 0:
        words = "Nothing is left in escrow for this milestone; it cannot be approved."
        return EscrowState(held_cents=escrow.held_cents, notice=words, approve_blocked=words)
    notice = ""
    if releasable < milestone.amount_cents:
        notice = (f"{format_cents(milestone.amount_cents - releasable)} of this milestone went back to the "
                  f"homeowner; {format_cents(releasable)} is left in escrow, and approving releases that "
                  "amount to the contractor.")
    return EscrowState(held_cents=escrow.held_cents, releasable_cents=releasable, notice=notice)


def milestone_escrow_state(milestone: Milestone) -> EscrowState:
    """escrow_state for one milestone, read now (the approve service reads it under the milestone lock)."""
    return escrow_state(milestone, MilestoneEscrow.objects.filter(milestone=milestone).first(),
                        Chargeback.objects.filter(milestone=milestone), Refund.objects.filter(milestone=milestone))


def escrow_of(milestone) -> MilestoneEscrow | None:
    try:
        return milestone.escrow
    except MilestoneEscrow.DoesNotExist:
        return None


# --- the figures -----------------------------------------------------------------------------
ESCROW_REFUNDS = (Refund.Kind.ESCROW, Refund.Kind.OUTSIDE)
REFUND_OUTSTANDING = (Refund.Status.PENDING, Refund.Status.FAILED)


@dataclass
class Figures:
    """Cents, each from the rows named; `in_escrow` is held and not yet promised to anyone."""

    paid: int = 0  # the homeowner's succeeded payments: milestone + fee
    fees: int = 0  # the platform fee in those payments
    funded: int = 0  # into escrow (MilestoneEscrow.funded_cents, the ledger's mirror)
    in_escrow: int = 0  # held, less what a pending payout or refund already claims
    payout_pending: int = 0  # releases not sent yet (Release.OUTSTANDING)
    payout_waiting: int = 0  # of which waiting for the contractor's payout setup
    paid_out: int = 0  # releases sent to the contractor
    refunded: int = 0  # escrow back to the homeowner (ours and outside refunds), succeeded
    fee_refunded: int = 0  # platform fee back to the homeowner, succeeded
    refund_pending: int = 0  # refunds of either kind queued or retried

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


def figures_of(escrow: MilestoneEscrow | None, payments, releases, refunds) -> Figures:
    paid = [p for p in payments if p.status == Payment.Status.SUCCEEDED]
    done = [r for r in refunds if r.status == Refund.Status.SUCCEEDED]
    return Figures(
        paid=sum(p.total_cents for p in paid), fees=sum(p.fee_cents for p in paid),
        funded=escrow.funded_cents if escrow else 0, in_escrow=escrow.available_cents if escrow else 0,
        payout_pending=sum(r.amount_cents for r in releases if r.status in Release.OUTSTANDING),
        payout_waiting=sum(r.amount_cents for r in releases if r.status == Release.Status.WAITING),
        paid_out=sum(r.amount_cents for r in releases if r.status == Release.Status.SUCCEEDED),
        refunded=sum(r.amount_cents for r in done if r.kind in ESCROW_REFUNDS),
        fee_refunded=sum(r.amount_cents for r in done if r.kind == Refund.Kind.FEE),
        refund_pending=sum(r.amount_cents for r in refunds if r.status in REFUND_OUTSTANDING),
    )


# --- the contract page's money -----------------------------------------------------------------
@dataclass
class MilestoneMoney:
    milestone: Milestone
    payment: Payment | None = None
    release: Release | None = None
    refunds: list = field(default_factory=list)
    submissions: list = field(default_factory=list)
    escrow: EscrowState = field(default_factory=EscrowState)
    figures: Figures = field(default_factory=Figures)

    @property
    def submission(self):
        return self.submissions[0] if self.submissions else None

    @property
    def changes_requested(self) -> Submission | None:
        """The latest submission, when the homeowner sent it back and it was not submitted again."""
        sub = self.submission
        if sub and sub.changes_requested_at and self.milestone.status == Milestone.Status.FUNDED:
            return sub
        return None

    @property
    def badge(self) -> tuple[str, str]:
        """(words, css class) of the milestone's badge: its status as the money stands."""
        m, release = self.milestone, self.release
        if self.changes_requested:
            return "Changes requested", "ms-changes"
        outcome = "Split by the dispute" if m.status == Milestone.Status.SPLIT else "Approved"
        if release is not None and m.status in Milestone.CLOSED and release.status in Release.OUTSTANDING:
            if release.status == Release.Status.WAITING:
                return f"{outcome} — payout waiting for the contractor’s payout setup", "ms-waiting"
            return f"{outcome} — payout on its way", "ms-waiting"
        if m.status == Milestone.Status.SPLIT:
            return outcome, "ms-split"
        if release is not None and release.status == Release.Status.SUCCEEDED:
            return "Released — paid out", "ms-released"
        return m.get_status_display(), f"ms-{m.status}"


@dataclass
class ContractMoney:
    contract: Contract
    milestones: list[MilestoneMoney]
    events: list[dict]
    next_action: dict | None
    totals: Figures


def _milestones_with_money(contract) -> list[Milestone]:
    """The contract's milestones (prefetched with their escrow by contracts_visible_to) with
    their money rows: one query per kind of row, none for a kind no milestone can have yet
    (refunds before funding, releases before closing, submissions before submitting)."""
    milestones = list(contract.milestones.all())
    kinds = [
        ("payments", Payment.objects.order_by("-created_at"), lambda m: True),
        ("refunds", Refund.objects.order_by("created_at"), lambda m: escrow_of(m) is not None),
        ("chargebacks", Chargeback.objects.all(), lambda m: m.status == Milestone.Status.REFUNDED),
        ("releases", Release.objects.all(), lambda m: m.status in Milestone.CLOSED),
        ("submissions", Submission.objects.order_by("-created_at").prefetch_related("files"),
         lambda m: m.submitted_at is not None),
    ]
    for lookup, queryset, may_have in kinds:
        chosen = [m for m in milestones if may_have(m)]
        for m in milestones:
            if m not in chosen:
                setattr(m, f"money_{lookup}", [])
        prefetch_related_objects(chosen, Prefetch(lookup, queryset=queryset, to_attr=f"money_{lookup}"))
    return milestones


def contract_money(contract: Contract, user) -> ContractMoney:
    """Everything the contract page shows of money, in a fixed number of queries."""
    rows, events = [], []
    for m in _milestones_with_money(contract):
        live = [p for p in m.money_payments if p.status in Payment.LIVE]
        escrow = escrow_of(m)
        row = MilestoneMoney(
            milestone=m, payment=live[0] if live else (m.money_payments[0] if m.money_payments else None),
            release=m.money_releases[0] if m.money_releases else None, refunds=m.money_refunds,
            submissions=m.money_submissions, escrow=escrow_state(m, escrow, m.money_chargebacks, m.money_refunds),
            figures=figures_of(escrow, m.money_payments, m.money_releases, m.money_refunds))
        rows.append(row)
        events += _events(m)
    events.sort(key=lambda e: e["at"], reverse=True)
    totals = sum((r.figures for r in rows), Figures())
    return ContractMoney(contract, rows, events, _next_action(contract, rows, user), totals)


RELEASE_WORDS = {Release.Reason.APPROVED: "approved", Release.Reason.AUTO_APPROVED: "approved automatically",
                 Release.Reason.DISPUTE: "decided in the dispute"}
REFUND_WORDS = {Refund.Kind.ESCROW: "refunded to the homeowner", Refund.Kind.FEE: "platform fee refunded",
                Refund.Kind.OUTSIDE: "refunded to the homeowner’s card outside FairTradeWorker"}


def _events(m) -> list[dict]:
    """A milestone's timeline: each amount as it moved (what was paid, released, refunded)."""
    label = f"Milestone {m.position}: {m.title}"
    out = []
    for p in m.money_payments:
        if p.succeeded_at:
            out.append({"at": p.succeeded_at, "text": f"{label} funded", "cents": p.amount_cents, "fee": p.fee_cents,
                        "kind": "funded", "receipt": p})
    for s in m.money_submissions:
        out.append({"at": s.created_at, "text": f"{label} submitted for approval", "kind": "submitted"})
        if s.changes_requested_at:
            out.append({"at": s.changes_requested_at, "text": f"Changes requested on {label}", "kind": "changes"})
    for r in m.money_releases:
        out.append({"at": r.created_at, "text": f"{label}: {RELEASE_WORDS.get(r.reason, 'approved')}, for the "
                    "contractor", "cents": r.amount_cents, "kind": "approved"})
        if r.succeeded_at:
            out.append({"at": r.succeeded_at, "text": f"Payout for {label} sent to the contractor",
                        "cents": r.amount_cents, "kind": "payout"})
    for r in m.money_refunds:
        if r.succeeded_at or r.status in REFUND_OUTSTANDING:
            words = REFUND_WORDS.get(r.kind, "refunded")
            out.append({"at": r.succeeded_at or r.created_at, "cents": r.amount_cents, "kind": "refund",
                        "text": f"{label}: {words}" + ("" if r.succeeded_at else " (in progress)")})
    return out


def _next_action(contract, rows, user) -> dict | None:
    """The one thing whoever is looking should do next (or wait for)."""
    if contract.status not in (Contract.Status.AWAITING_FUNDING, Contract.Status.ACTIVE):
        return None
    is_homeowner = user.pk == contract.homeowner_id
    is_contractor = user.pk == contract.contractor_id
    # Work under way first (a change order can fund milestone 3 before milestone 1).
    order = [Milestone.Status.SUBMITTED, Milestone.Status.FUNDED, Milestone.Status.UNFUNDED]
    for row in sorted((r for r in rows if r.milestone.status in order), key=lambda r: order.index(r.milestone.status)):
        status = row.milestone.status
        if status == Milestone.Status.SUBMITTED:
            return {"who": "homeowner", "milestone": row.milestone, "mine": is_homeowner,
                    "text": "Review the submitted work: approve it or request changes." if is_homeowner
                    else "Waiting for the homeowner to review your submission."}
        if status == Milestone.Status.FUNDED:
            changes = row.changes_requested is not None
            return {"who": "contractor", "milestone": row.milestone, "mine": is_contractor,
                    "text": ("Make the requested changes, then submit again." if changes else
                             "Do the work, then submit photos or documents for approval.") if is_contractor
                    else ("The contractor is making the changes you asked for." if changes
                          else "The contractor is working on this milestone.")}
        if status == Milestone.Status.UNFUNDED:
            pending = row.payment and row.payment.status == Payment.Status.PENDING and row.payment.checkout_session_id
            return {"who": "homeowner", "milestone": row.milestone, "mine": is_homeowner,
                    "text": ("Your payment is processing." if pending else "Fund this milestone into escrow.")
                    if is_homeowner else "Waiting for the homeowner to fund this milestone."}
    return None


def contractor_in_escrow_cents(user) -> int:
    """The payouts page: held in escrow for the contractor's milestones and not yet approved
    (the same `in_escrow` as the contract page; approved money counts as a pending payout)."""
    return (MilestoneEscrow.objects.filter(milestone__contract__contractor=user)
            .aggregate(s=Sum(F("held_cents") - F("reserved_cents")))["s"] or 0)
