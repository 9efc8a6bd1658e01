"""Reconciliation: finds what does not add up, locally and against Stripe."""

import pytest
from django.core.management import call_command

from contracts import services as contract_services
from payments import services
from payments.models import MilestoneEscrow, ReconciliationRun

from .helpers import fund_via_checkout, onboard, submit

pytestmark = pytest.mark.django_db


def test_clean_books_reconcile(fake_stripe, deliver, contract, homeowner, contractor,
                               django_capture_on_commit_callbacks):
    onboard(contractor, fake_stripe)
    milestone = contract.milestones.get(position=1)
    fund_via_checkout(fake_stripe, deliver, milestone, homeowner, events=("payment_intent.succeeded",))
    submit(milestone, contractor)
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    run = services.reconcile()
    assert run.ok, run.differences
    assert run.remote_checked and run.checked["remote_transfers"] == 1 and run.checked["remote_payments"] == 1


def test_differences_are_found_and_alerted(fake_stripe, deliver, contract, homeowner, monkeypatch):
    alerts = []
    monkeypatch.setattr("payments.alerts.sentry_sdk.capture_message", lambda *a, **k: alerts.append(a))
    milestone = contract.milestones.get(position=1)
    payment, _ = fund_via_checkout(fake_stripe, deliver, milestone, homeowner, events=("payment_intent.succeeded",))
    # Someone refunds in the Stripe dashboard and a bug leaves our escrow row off by a cent.
    fake_stripe.objects[payment.payment_intent_id]["amount_received"] = 0
    MilestoneEscrow.objects.filter(milestone=milestone).update(held_cents=29_999, funded_cents=29_999)
    run = services.reconcile()
    checks = {d["check"] for d in run.differences}
    assert checks == {"escrow_matches_ledger", "payment_matches_stripe"}
    assert not run.ok and alerts


def test_command_prints_and_exits_nonzero_on_differences(simulated, contract, homeowner, capsys):
    contract_services.milestone_fund(actor=homeowner, milestone_id=contract.milestones.first().pk)
    call_command("reconcile")
    assert "Reconciliation OK" in capsys.readouterr().out
    MilestoneEscrow.objects.update(held_cents=1, funded_cents=1)
    with pytest.raises(SystemExit) as exc:
        call_command("reconcile", "--no-remote")
    assert exc.value.code == 1
    assert "DIFFERENCE" in capsys.readouterr().out
    assert ReconciliationRun.objects.count() == 2


def test_periodic_tasks_are_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"payments.reconcile", "payments.sweep_stuck", "contracts.auto_approve_due",
            "contracts.auto_approve_reminders"} <= tasks
