"""The data migration that moved disputes.FeeRefund rows into payments.Refund keeps every
row (same primary key, so the same Stripe idempotency key and ledger keys), its link to
the dispute, and leaves the ledger untouched; it also runs backwards."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from disputes import services
from payments.models import LedgerTransaction, Refund

from .helpers import disputed, make_contract

BEFORE = ("disputes", "0002_dispute_fee_refund_row")


@pytest.mark.django_db(transaction=True)
def test_fee_refunds_survive_the_move_both_ways(homeowner, contractor, staff_user, fake_stripe, deliver):
    contract = make_contract(homeowner, contractor, milestones=[("All", 40_000)])
    dispute = disputed(contract, fake=fake_stripe, deliver=deliver)
    services.dispute_resolve(actor=staff_user, dispute_id=dispute.pk, outcome="split", reason="Half done.",
                             contractor_amount_cents=30_000)
    fee = Refund.objects.get(kind="fee")
    assert fee.status == "succeeded"  # eager tasks: done and booked
    ledger_before = sorted(LedgerTransaction.objects.values_list("key", flat=True))
    try:
        call_command("migrate", *BEFORE, verbosity=0)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        row = old.get_model("disputes", "FeeRefund").objects.get()
        assert (row.pk, row.dispute_id, row.amount_cents, row.status, row.refund_id) == (
            fee.pk, dispute.pk, 500, "succeeded", fee.refund_id)
        assert not old.get_model("payments", "Refund").objects.filter(kind="fee").exists()
    finally:
        # Every app to its latest, not only disputes: going back also unapplied what depends on
        # it (analytics' materialized views read the refund tables), and later tests need them.
        call_command("migrate", verbosity=0)
    moved = Refund.objects.get(kind="fee")
    assert (moved.pk, moved.amount_cents, moved.status, moved.refund_id, moved.created_at) == (
        fee.pk, fee.amount_cents, fee.status, fee.refund_id, fee.created_at)
    assert moved.idempotency_key == f"fee-refund-{fee.pk}"
    dispute.refresh_from_db()
    assert dispute.fee_refund_id == fee.pk
    assert sorted(LedgerTransaction.objects.values_list("key", flat=True)) == ledger_before
