"""Contracts, their milestones, submissions and evidence are visible to the two parties and
staff; anyone else gets a 404. The contract page's money panel is read here too: it is
the milestone lifecycle's view of payments' rows."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.money import format_cents
from payments import selectors as money_selectors
from payments.models import Chargeback, MilestoneEscrow, Payment, Refund, Release

from .models import Contract, EvidenceFile, Milestone, Submission


def contracts_visible_to(user) -> QuerySet[Contract]:
    if user is None or not user.is_authenticated:
        return Contract.objects.none()
    contracts = Contract.objects.select_related(
        "job", "job__category", "homeowner", "contractor", "contractor__contractor_profile"
    ).prefetch_related(Prefetch("milestones", queryset=Milestone.objects.select_related("escrow").order_by("position")))
    if user.is_staff:
        return contracts
    return contracts.filter(Q(homeowner=user) | Q(contractor=user))


def contract_for(user, pk) -> Contract:
    return get_object_or_404(contracts_visible_to(user), pk=pk)


def live_contract_of_job(job) -> Contract | None:
    return job.contracts.exclude(status=Contract.Status.CANCELLED).first()


def milestone_for(user, pk) -> Milestone:
    contracts = contracts_visible_to(user)
    return get_object_or_404(Milestone.objects.select_related("contract").filter(contract__in=contracts), pk=pk)


def evidence_file_for(user, pk) -> EvidenceFile:
    if user is None or not user.is_authenticated:
        raise Http404
    files = EvidenceFile.objects.select_related("submission__milestone__contract")
    if not user.is_staff:
        files = files.filter(Q(submission__milestone__contract__homeowner=user)
                             | Q(submission__milestone__contract__contractor=user))
    return get_object_or_404(files, pk=pk)


@dataclass(frozen=True)
class EscrowState:
    """What a milestone's escrow means for its lifecycle, in words both parties read."""

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


@dataclass
class MilestoneMoney:
    milestone: Milestone
    payment: Payment | None = None
    release: Release | None = None
    refunds: list = field(default_factory=list)
    submissions: list = field(default_factory=list)
    escrow: EscrowState = field(default_factory=EscrowState)

    @property
    def submission(self):
        return self.submissions[0] if self.submissions else None


@dataclass
class ContractMoney:
    contract: Contract
    milestones: list[MilestoneMoney]
    events: list[dict]
    next_action: dict | None
    totals: dict


def _payments_prefetch():
    return Prefetch("payments", queryset=Payment.objects.order_by("-created_at"), to_attr="money_payments")


def contract_money(contract: Contract, user) -> ContractMoney:
    """Everything the money partial of the contract page needs, in a fixed number of queries."""
    milestones = list(
        Milestone.objects.filter(contract=contract).order_by("position").select_related("escrow").prefetch_related(
            _payments_prefetch(),
            Prefetch("chargebacks", queryset=Chargeback.objects.all(), to_attr="money_chargebacks"),
            Prefetch("releases", queryset=Release.objects.all(), to_attr="money_releases"),
            Prefetch("refunds", queryset=Refund.objects.order_by("created_at"), to_attr="money_refunds"),
            Prefetch("submissions", queryset=Submission.objects.order_by("-created_at").prefetch_related("files"),
                     to_attr="money_submissions"),
        )
    )
    rows, events = [], []
    for m in milestones:
        live = [p for p in m.money_payments if p.status in Payment.LIVE]
        row = MilestoneMoney(milestone=m, payment=live[0] if live else (m.money_payments[0] if m.money_payments else None),
                             release=m.money_releases[0] if m.money_releases else None, refunds=m.money_refunds,
                             submissions=m.money_submissions,
                             escrow=escrow_state(m, escrow_of(m), m.money_chargebacks, m.money_refunds))
        rows.append(row)
        label = f"Milestone {m.position}: {m.title}"
        for p in m.money_payments:
            if p.succeeded_at:
                events.append({"at": p.succeeded_at, "text": f"{label} funded", "cents": p.total_cents,
                               "kind": "funded", "receipt": p})
        for s in m.money_submissions:
            events.append({"at": s.created_at, "text": f"{label} submitted for approval", "kind": "submitted"})
            if s.changes_requested_at:
                events.append({"at": s.changes_requested_at, "text": f"Changes requested on {label}",
                               "kind": "changes"})
        if m.released_at:
            released = m.money_releases[0].amount_cents if m.money_releases else m.amount_cents
            events.append({"at": m.released_at, "text": f"{label} approved", "cents": released, "kind": "approved"})
        for r in m.money_releases:
            if r.succeeded_at:
                events.append({"at": r.succeeded_at, "text": f"Payout for {label} sent to the contractor",
                               "cents": r.amount_cents, "kind": "payout"})
        for r in m.money_refunds:
            if r.succeeded_at:
                events.append({"at": r.succeeded_at, "text": f"Refund on {label}", "cents": r.amount_cents,
                               "kind": "refund"})
    events.sort(key=lambda e: e["at"], reverse=True)
    totals = {
        "milestones": sum(m.amount_cents for m in milestones),
        "fees": sum(m.fee_cents for m in milestones),
        "paid": sum(r.payment.total_cents for r in rows if r.payment and r.payment.status == Payment.Status.SUCCEEDED),
        "released": sum(r.release.amount_cents for r in rows if r.release and r.release.status == "succeeded"),
    }
    return ContractMoney(contract, rows, events, _next_action(contract, rows, user), totals)


def _next_action(contract, rows, user) -> dict | None:
    """The one thing whoever is looking should do next (or wait for)."""
    if contract.status not in (Contract.Status.AWAITING_FUNDING, Contract.Status.ACTIVE):
        return None
    is_homeowner = user.pk == contract.homeowner_id
    is_contractor = user.pk == contract.contractor_id
    for row in rows:
        status = row.milestone.status
        if status == Milestone.Status.SUBMITTED:
            return {"who": "homeowner", "milestone": row.milestone, "mine": is_homeowner,
                    "text": "Review the submitted work: approve it or request changes." if is_homeowner
                    else "Waiting for the homeowner to review your submission."}
        if status == Milestone.Status.FUNDED:
            return {"who": "contractor", "milestone": row.milestone, "mine": is_contractor,
                    "text": "Do the work, then submit photos or documents for approval." if is_contractor
                    else "The contractor is working on this milestone."}
        if status == Milestone.Status.UNFUNDED:
            pending = row.payment and row.payment.status == Payment.Status.PENDING and row.payment.checkout_session_id
            return {"who": "homeowner", "milestone": row.milestone, "mine": is_homeowner,
                    "text": ("Your payment is processing." if pending else "Fund this milestone into escrow.")
                    if is_homeowner else "Waiting for the homeowner to fund this milestone."}
    return None


def contract_payments_for(user, pk) -> dict[str, QuerySet]:
    """A contract's payments, releases and refunds, for its parties and staff (404 otherwise)."""
    return money_selectors.contract_payments(contract_for(user, pk))


def contractor_in_escrow_cents(user) -> int:
    """What the contractor's funded milestones hold in escrow (the payouts page)."""
    return (Milestone.objects.filter(contract__contractor=user, status__in=Milestone.IN_ESCROW)
            .aggregate(s=Sum("amount_cents"))["s"] or 0)


def with_live_contracts(bids: QuerySet) -> QuerySet:
    """My bids page: each bid with the live contract it won, if any (bids cannot import contracts)."""
    return bids.prefetch_related(
        Prefetch("contracts", queryset=Contract.objects.exclude(status=Contract.Status.CANCELLED),
                 to_attr="live_contracts"))
