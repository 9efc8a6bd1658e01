"""Reconciliation: the ledger balances, escrow rows match the ledger, closed milestones
hold nothing, and (with Stripe) our payments, transfers and refunds match Stripe's."""

import logging

from django.db.models import Sum
from django.utils import timezone

from .. import ledger
from ..alerts import alert_staff
from ..gateways import GatewayError, get_gateway
from ..models import LedgerEntry, LedgerTransaction, MilestoneEscrow, Payment, ReconciliationRun, Refund, Release

logger = logging.getLogger(__name__)


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
        "held_cents", "reserved_cents", "milestone__status", "milestone_id")
    unsettled = set(Release.objects.exclude(status__in=[Release.Status.SUCCEEDED, Release.Status.REVERSED])
                    .values_list("milestone_id", flat=True))
    unsettled |= set(Refund.objects.exclude(status=Refund.Status.SUCCEEDED).values_list("milestone_id", flat=True))
    seen = set()
    for escrow in escrows.iterator():
        account = ledger.escrow_account(escrow.milestone_id)
        seen.add(account)
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
    checked["escrows"] = len(seen)

    money_in = Payment.objects.filter(status=Payment.Status.SUCCEEDED).aggregate(s=Sum("amount_cents"))["s"] or 0
    money_out = (Release.objects.filter(status__in=[Release.Status.SUCCEEDED, Release.Status.REVERSED])
                 .aggregate(s=Sum("amount_cents"))["s"] or 0) + (
        Refund.objects.filter(status=Refund.Status.SUCCEEDED).aggregate(s=Sum("amount_cents"))["s"] or 0)
    if money_out > money_in:
        differences.append({"check": "money_out_lte_in", "in": money_in, "out": money_out})


def _remote_checks(gateway, differences: list, checked: dict, since) -> None:
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
    releases = Release.objects.filter(status=Release.Status.SUCCEEDED, succeeded_at__gte=since)
    for release in releases.iterator():
        compare("transfer", release, release.transfer_id, release.amount_cents, release.currency,
                gateway.transfer_retrieve, {"paid"})
    refunds = Refund.objects.filter(status=Refund.Status.SUCCEEDED, succeeded_at__gte=since)
    for refund in refunds.iterator():
        compare("refund", refund, refund.refund_id, refund.amount_cents, refund.currency,
                gateway.refund_retrieve, {"succeeded"})
    checked.update(remote_payments=payments.count(), remote_transfers=releases.count(), remote_refunds=refunds.count())


def reconcile(*, remote: bool = True, days: int = 7) -> ReconciliationRun:
    run = ReconciliationRun.objects.create()
    differences: list = []
    checked: dict = {}
    _ledger_checks(differences, checked)
    gateway = get_gateway()
    remote_done = bool(remote and not gateway.simulated)
    if remote_done:
        _remote_checks(gateway, differences, checked, timezone.now() - timezone.timedelta(days=days))
    run.finished_at = timezone.now()
    run.ok = not differences
    run.checked = checked
    run.differences = differences
    run.remote_checked = remote_done
    run.save()
    if differences:
        alert_staff("reconciliation.differences", run, f"Reconciliation found {len(differences)} difference(s).",
                    first=differences[0])
    return run
