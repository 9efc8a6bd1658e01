"""Reconciliation: does the ledger tell the truth about the money?

Local checks: every transaction balances; escrow rows match the ledger and are never
negative; closed milestones hold nothing; what went out never exceeds what came in; every
contractor payable and homeowner refund account is back to zero (both postings of a
payout or refund are made together, so anything left there is money owed that nobody is
sending); platform:chargebacks holds exactly what open card disputes withdrew, and every
decided dispute is settled in the books.

With Stripe: each payment, transfer and refund of the period matches Stripe's object;
every balance transaction of the period (Stripe's balance history, paged) matches a
ledger posting to stripe:balance and every such posting matches a balance transaction;
every dispute and refund Stripe has for the period is one of our rows, in the same state.

Each difference names the row to look at and raises its own staff alert.
"""

import logging
import re
from collections import defaultdict
from datetime import timedelta

from django.db.models import Q, Sum
from django.utils import timezone

from .. import ledger
from ..alerts import alert_staff
from ..gateways import GatewayError, get_gateway
from ..models import (
    Chargeback,
    LedgerEntry,
    LedgerTransaction,
    MilestoneEscrow,
    Payment,
    ReconciliationRun,
    Refund,
    Release,
)

logger = logging.getLogger(__name__)

# Balance history lines that are not ours to book: the platform's own bank payouts and
# Stripe's processing fees (the ledger holds customer money, not the platform's bank).
NOT_BOOKED = {"payout", "payout_cancel", "payout_failure", "stripe_fee", "tax", "reserve_transaction",
              "reserved_funds", "network_cost"}
# How far before the period we read Stripe's history, so a posting made just after its
# balance transaction (a webhook a few minutes late) still finds it.
LOOKBACK = timedelta(days=1)
MAX_ALERTS = 25


def _ledger_checks(differences: list, checked: dict) -> None:
    for row in ledger.unbalanced_transactions():
        differences.append({"check": "transaction_balances", **row})
    checked["transactions"] = LedgerTransaction.objects.count()

    ledger_escrow = {
        row["account"]: row["total"]
        for row in LedgerEntry.objects.filter(account__startswith="escrow:milestone:")
        .values("account").annotate(total=Sum("amount_cents"))
    }
    escrows = MilestoneEscrow.objects.select_related("milestone").only(
        "held_cents", "reserved_cents", "frozen_at", "milestone__status", "milestone_id")
    unsettled = set(Release.objects.exclude(status__in=[Release.Status.SUCCEEDED, Release.Status.REVERSED])
                    .values_list("milestone_id", flat=True))
    unsettled |= set(Refund.objects.filter(kind=Refund.Kind.ESCROW).exclude(status=Refund.Status.SUCCEEDED)
                     .values_list("milestone_id", flat=True))
    seen, frozen = set(), 0
    for escrow in escrows.iterator():
        account = ledger.escrow_account(escrow.milestone_id)
        seen.add(account)
        frozen += escrow.frozen_at is not None
        held_by_ledger = -ledger_escrow.get(account, 0)  # liability: credits are negative
        if held_by_ledger != escrow.held_cents:
            differences.append({"check": "escrow_matches_ledger", "milestone": str(escrow.milestone_id),
                                "escrow_row": escrow.held_cents, "ledger": held_by_ledger})
        if held_by_ledger < 0:
            differences.append({"check": "escrow_non_negative", "milestone": str(escrow.milestone_id),
                                "ledger": held_by_ledger})
        closed = escrow.milestone.status in escrow.milestone.CLOSED
        if closed and escrow.milestone_id not in unsettled and escrow.held_cents != 0:
            differences.append({"check": "closed_escrow_zero", "milestone": str(escrow.milestone_id),
                                "held": escrow.held_cents})
    for account, total in ledger_escrow.items():
        if account not in seen and total:
            differences.append({"check": "escrow_row_missing", "account": account, "ledger": -total})
    checked.update(escrows=len(seen), escrows_frozen=frozen)

    money_in = Payment.objects.filter(status=Payment.Status.SUCCEEDED).aggregate(s=Sum("amount_cents"))["s"] or 0
    money_out = (Release.objects.filter(status__in=[Release.Status.SUCCEEDED, Release.Status.REVERSED])
                 .aggregate(s=Sum("amount_cents"))["s"] or 0) + (
        Refund.objects.filter(kind=Refund.Kind.ESCROW, status=Refund.Status.SUCCEEDED)
        .aggregate(s=Sum("amount_cents"))["s"] or 0)
    if money_out > money_in:
        differences.append({"check": "money_out_lte_in", "in": money_in, "out": money_out})

    # Owed and not being paid: a payout or refund posts both legs at once.
    owed = (LedgerEntry.objects.filter(Q(account__startswith="contractor:", account__endswith=":payable")
                                       | Q(account__startswith="homeowner:", account__endswith=":refunds"))
            .values("account", "currency").annotate(total=Sum("amount_cents")).exclude(total=0))
    for row in owed:
        differences.append({"check": "payable_back_to_zero", "account": row["account"], "currency": row["currency"],
                            "balance": row["total"]})
    checked["payable_accounts"] = LedgerEntry.objects.filter(
        Q(account__endswith=":payable") | Q(account__endswith=":refunds")).values("account").distinct().count()

    _chargeback_checks(differences, checked)


def _chargeback_checks(differences: list, checked: dict) -> None:
    outstanding = 0
    for chargeback in Chargeback.objects.all().iterator():
        left = (chargeback.withdrawn_cents - chargeback.reinstated_cents - chargeback.lost_from_escrow_cents
                - chargeback.lost_from_fees_cents - chargeback.loss_cents)
        outstanding += left
        if chargeback.outcome != Chargeback.Outcome.OPEN and left:
            differences.append({"check": "chargeback_settled", "chargeback": chargeback.dispute_id,
                                "outcome": chargeback.outcome, "still_withdrawn": left})
    booked = ledger.balance(ledger.PLATFORM_CHARGEBACKS)
    if booked != outstanding:
        differences.append({"check": "chargebacks_account", "ledger": booked, "open_disputes_withdrawn": outstanding})
    checked["chargebacks"] = Chargeback.objects.count()
    checked["outside_refunds"] = Refund.objects.filter(kind=Refund.Kind.OUTSIDE).count()


def _object_checks(gateway, differences: list, checked: dict, since) -> None:
    def compare(kind, row, remote_id, amount, currency, fetch, ok_statuses):
        try:
            remote = fetch(remote_id)
        except GatewayError as exc:
            differences.append({"check": f"{kind}_at_stripe", "id": str(row.pk), "remote": remote_id,
                                "error": exc.message})
            return
        if remote.amount_cents != amount or remote.currency != currency or remote.status not in ok_statuses:
            differences.append({"check": f"{kind}_matches_stripe", "id": str(row.pk), "remote": remote_id,
                                "ours": [amount, currency], "stripe": [remote.amount_cents, remote.currency,
                                                                      remote.status]})

    payments = Payment.objects.filter(status=Payment.Status.SUCCEEDED, succeeded_at__gte=since).exclude(
        payment_intent_id=None)
    for payment in payments.iterator():
        compare("payment", payment, payment.payment_intent_id, payment.total_cents, payment.currency,
                gateway.payment_intent_retrieve, {"succeeded"})
    releases = Release.objects.filter(status=Release.Status.SUCCEEDED, succeeded_at__gte=since).exclude(transfer_id=None)
    for release in releases.iterator():
        compare("transfer", release, release.transfer_id, release.transfer_cents, release.currency,
                gateway.transfer_retrieve, {"paid"})
    refunds = Refund.objects.filter(status=Refund.Status.SUCCEEDED, succeeded_at__gte=since)
    for refund in refunds.iterator():
        compare("refund", refund, refund.refund_id, refund.amount_cents, refund.currency,
                gateway.refund_retrieve, {"succeeded"})
    checked.update(remote_payments=payments.count(), remote_transfers=releases.count(), remote_refunds=refunds.count())


_KEY = re.compile(r"^(payment|release|refund|fee-refund):([0-9a-f-]{36}):(succeeded|transferred|paid)$")


def _references(txs: list[LedgerTransaction]) -> dict:
    """The Stripe id each posting mirrors; for postings made before `reference` existed,
    found from the row named in its key."""
    refs = {tx.pk: tx.reference for tx in txs if tx.reference}
    wanted = defaultdict(dict)
    for tx in txs:
        match = None if tx.reference else _KEY.match(tx.key)
        if match:
            wanted[match.group(1)][match.group(2)] = tx.pk
    lookups = {"payment": (Payment, "payment_intent_id"), "release": (Release, "transfer_id"),
               "refund": (Refund, "refund_id"), "fee-refund": (Refund, "refund_id")}
    for prefix, pks in wanted.items():
        model, field = lookups[prefix]
        for pk, value in model.objects.filter(pk__in=list(pks)).values_list("pk", field):
            if value:
                refs[pks[str(pk)]] = value
    return refs


def _balance_checks(gateway, differences: list, checked: dict, since, until) -> None:
    history = gateway.balance_transactions_list(since=int((since - LOOKBACK).timestamp()), until=int(until.timestamp()))
    entries = list(LedgerEntry.objects.filter(account=ledger.STRIPE_BALANCE, transaction__created_at__gte=since - LOOKBACK)
                   .select_related("transaction"))
    refs = _references([e.transaction for e in entries])
    by_ref = defaultdict(list)
    for entry in entries:
        by_ref[refs.get(entry.transaction_id, "")].append(entry)
    matched_entries, unmatched, in_period, ignored = set(), 0, 0, 0
    start = since.timestamp()
    for bt in history:
        source = bt.get("source")
        source_id = source.get("id") if isinstance(source, dict) else source
        # Most specific first: our posting of this very line (disputes), then of its source
        # object (transfer, refund), then a charge's PaymentIntent (what funding records).
        names = [bt["id"], source_id]
        if bt.get("type") in ("charge", "payment") and isinstance(source, dict) and source.get("payment_intent"):
            intent = source["payment_intent"]
            names.append(intent if isinstance(intent, str) else intent.get("id"))
        candidates = [e for name in names if name for e in by_ref.get(name, [])
                      if e.amount_cents in (bt["amount"], bt["net"]) and e.pk not in matched_entries]
        if candidates:
            matched_entries.add(candidates[0].pk)
            continue
        if bt["created"] < start:
            continue  # before the period: only there to be matched
        in_period += 1
        if bt.get("type") in NOT_BOOKED:
            ignored += 1
            continue
        unmatched += 1
        differences.append({"check": "stripe_balance_transaction_booked", "balance_transaction": bt["id"],
                            "type": bt.get("type"), "source": source_id, "amount": bt["amount"],
                            "currency": bt.get("currency")})
    for entry in entries:
        if entry.pk in matched_entries or entry.transaction.created_at < since:
            continue
        tx = entry.transaction
        differences.append({"check": "ledger_posting_at_stripe", "transaction": str(tx.pk), "key": tx.key,
                            "reference": refs.get(tx.pk, ""), "amount": entry.amount_cents})
    checked.update(stripe_balance_transactions=in_period, stripe_balance_not_booked_by_design=ignored,
                   stripe_balance_unmatched=unmatched)


def _dispute_and_refund_checks(gateway, differences: list, checked: dict, since, until) -> None:
    window = {"since": int(since.timestamp()), "until": int(until.timestamp())}
    ours = {c.dispute_id: c for c in Chargeback.objects.all()}
    disputes = gateway.disputes_list(**window)
    for dispute in disputes:
        chargeback = ours.get(dispute["id"])
        if chargeback is None:
            differences.append({"check": "dispute_recorded", "dispute": dispute["id"], "status": dispute.get("status"),
                                "amount": dispute.get("amount"), "charge": dispute.get("charge")})
        elif chargeback.stripe_status != dispute.get("status"):
            differences.append({"check": "dispute_up_to_date", "dispute": dispute["id"], "chargeback": str(chargeback.pk),
                                "ours": chargeback.stripe_status, "stripe": dispute.get("status")})
    refunds = gateway.refunds_list(**window)
    known = dict(Refund.objects.filter(refund_id__in=[r["id"] for r in refunds]).values_list("refund_id", "status"))
    for remote in refunds:
        status = known.get(remote["id"])
        if status is None:
            differences.append({"check": "refund_recorded", "refund": remote["id"], "amount": remote.get("amount"),
                                "status": remote.get("status"), "charge": remote.get("charge")})
        elif remote.get("status") == "succeeded" and status != Refund.Status.SUCCEEDED:
            differences.append({"check": "refund_up_to_date", "refund": remote["id"], "ours": status,
                                "stripe": remote.get("status")})
    checked.update(stripe_disputes=len(disputes), stripe_refunds=len(refunds))


def reconcile(*, remote: bool = True, days: int = 7) -> ReconciliationRun:
    run = ReconciliationRun.objects.create()
    differences: list = []
    checked: dict = {}
    _ledger_checks(differences, checked)
    gateway = get_gateway()
    remote_done = bool(remote and not gateway.simulated)
    if remote_done:
        until = timezone.now()
        since = until - timedelta(days=days)
        _object_checks(gateway, differences, checked, since)
        try:
            _balance_checks(gateway, differences, checked, since, until + timedelta(seconds=1))
            _dispute_and_refund_checks(gateway, differences, checked, since, until + timedelta(seconds=1))
        except GatewayError as exc:
            differences.append({"check": "stripe_lists_read", "error": exc.message})
    run.finished_at = timezone.now()
    run.ok = not differences
    run.checked = checked
    run.differences = differences
    run.remote_checked = remote_done
    run.save()
    for difference in differences[:MAX_ALERTS]:
        alert_staff("reconciliation.difference", run, f"Reconciliation: {difference['check']}", **difference)
    if differences:
        alert_staff("reconciliation.differences", run, f"Reconciliation found {len(differences)} difference(s).",
                    first=differences[0])
    return run
