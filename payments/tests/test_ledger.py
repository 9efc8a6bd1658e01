"""The ledger: balanced by construction, append-only in Python and (PostgreSQL) in SQL."""

import pytest
from django.db import IntegrityError, connection, transaction

from payments import ledger
from payments.ledger import UnbalancedTransaction
from payments.models import LedgerEntry, LedgerTransaction, MilestoneEscrow

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("entries", [
    [("a", 100, "usd"), ("b", -99, "usd")],                  # off by a cent
    [("a", 100, "usd")],                                      # one-sided
    [("a", 100, "usd"), ("b", -100, "eur")],                  # balanced in total, not per currency
    [("a", 0, "usd"), ("b", 0, "usd")],                       # zero entries
    [("a", 1.5, "usd"), ("b", -1.5, "usd")],                  # floats
    [("a", 100, "USD"), ("b", -100, "USD")],                  # not ISO lower case
])
def test_unbalanced_or_malformed_transactions_are_refused(entries):
    with pytest.raises(UnbalancedTransaction):
        ledger.post(kind="funding", key="k", entries=entries)
    assert LedgerTransaction.objects.count() == 0 and LedgerEntry.objects.count() == 0


def test_posting_is_idempotent_by_key():
    entries = [("stripe:balance", 500, "usd"), ("platform:fees", -500, "usd")]
    first, created = ledger.post(kind="funding", key="payment:x:succeeded", entries=entries)
    again, created_again = ledger.post(kind="funding", key="payment:x:succeeded", entries=entries)
    assert created and not created_again and first.pk == again.pk
    assert LedgerEntry.objects.count() == 2
    assert ledger.balance("stripe:balance") == 500 and ledger.unbalanced_transactions() == []


def test_entries_are_append_only_in_python():
    tx, _ = ledger.post(kind="funding", key="k1", entries=[("a", 5, "usd"), ("b", -5, "usd")])
    entry = tx.entries.first()
    entry.amount_cents = 6
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_cents=6)
    with pytest.raises(TypeError):
        LedgerEntry.objects.all().delete()
    with pytest.raises(TypeError):
        LedgerTransaction.objects.filter(pk=tx.pk).update(memo="edited")


@pytest.mark.postgres
def test_database_refuses_edits_and_deletes():
    tx, _ = ledger.post(kind="funding", key="k2", entries=[("a", 5, "usd"), ("b", -5, "usd")])
    for sql in ("UPDATE payments_ledgerentry SET amount_cents = 6", "DELETE FROM payments_ledgerentry",
                "UPDATE payments_ledgertransaction SET memo = 'x'"):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_database_refuses_an_unbalanced_transaction_at_commit():
    with pytest.raises(Exception, match="does not sum to zero"), transaction.atomic():
        tx = LedgerTransaction.objects.create(kind="funding", key="raw")
        LedgerEntry.objects.create(transaction=tx, account="a", amount_cents=5, currency="usd")
        LedgerEntry.objects.create(transaction=tx, account="b", amount_cents=-4, currency="usd")
    assert not LedgerTransaction.objects.filter(key="raw").exists()


def test_escrow_row_cannot_go_negative(simulated, homeowner, contractor):
    from contracts import services as contract_services
    from contracts.tests.factories import contract_for

    contract = contract_for(homeowner=homeowner, contractor=contractor)
    milestone = contract.milestones.get(position=1)
    contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    escrow = MilestoneEscrow.objects.get(milestone=milestone)
    for changes in ({"held_cents": -1, "funded_cents": 30_000, "released_cents": 30_001},
                    {"reserved_cents": 30_001},
                    {"held_cents": 29_000}):  # inconsistent with funded - released - refunded
        with pytest.raises(IntegrityError), transaction.atomic():
            MilestoneEscrow.objects.filter(pk=escrow.pk).update(**changes)
