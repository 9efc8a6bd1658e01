"""Contracts, their milestones, submissions and evidence are visible to the two parties and
staff; anyone else gets a 404. The contract page's money panel is read here too: it is
the milestone lifecycle's view of payments' rows."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from payments import selectors as money_selectors
from payments.models import Payment, Refund, Release

from .models import Contract, EvidenceFile, Milestone, Submission


def contracts_visible_to(user) -> QuerySet[Contract]:
    if user is None or not user.is_authenticated:
        return Contract.objects.none()
    contracts = Contract.objects.select_related(
        "job", "job__category", "homeowner", "contractor", "contractor__contractor_profile"
    ).prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("position")))
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


@dataclass
class MilestoneMoney:
    milestone: Milestone
    payment: Payment | None = None
    release: Release | None = None
    refunds: list = field(default_factory=list)
    submissions: list = field(default_factory=list)

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
        Milestone.objects.filter(contract=contract).order_by("position").prefetch_related(
            _payments_prefetch(),
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
                             submissions=m.money_submissions)
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
            events.append({"at": m.released_at, "text": f"{label} approved", "cents": m.amount_cents,
                           "kind": "approved"})
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
