"""Bad input and faults: each ends with money moved exactly once and the ledger balanced."""

import pytest

from contracts import services as contract_services
from core.exceptions import InvalidState, PermissionDenied
from payments import services
from payments.gateways import GatewayUnavailable
from payments.models import MilestoneEscrow, Payment, Refund, Release
from payments.tasks import release_execute_task

from .helpers import assert_books_balanced, fund_via_checkout, onboard, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(fake_stripe, deliver, contract, homeowner, contractor):
    """A submitted milestone approved by the homeowner; the release task has not run."""
    onboard(contractor, fake_stripe)
    milestone = contract.milestones.get(position=1)
    fund_via_checkout(fake_stripe, deliver, milestone, homeowner)
    submit(milestone, contractor)
    release = contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)  # on_commit not run
    return milestone, release


@pytest.fixture
def alerts(monkeypatch):
    captured = []
    monkeypatch.setattr("payments.alerts.sentry_sdk.capture_message", lambda *a, **k: captured.append((a, k)))
    return captured


def transfers(fake):
    return [o for o in fake.objects.values() if o["object"] == "transfer"]


# --- Stripe faults during release -----------------------------------------------------------
@pytest.mark.parametrize("mode", ["timeout", "500", "429"])
def test_outage_during_release_retries_with_the_same_key(fake_stripe, approved, mode):
    milestone, release = approved
    fake_stripe.fail_next("POST", "/v1/transfers", mode)
    with pytest.raises(GatewayUnavailable):
        services.release_execute(release.pk)
    release.refresh_from_db()
    assert release.status == "pending" and release.last_error
    services.release_execute(release.pk)  # the Celery retry
    keys = [c.idempotency_key for c in fake_stripe.calls("POST", "/v1/transfers")]
    assert keys == [f"release-{release.pk}"] * 2
    assert len(transfers(fake_stripe)) == 1
    release.refresh_from_db()
    assert release.status == "succeeded"
    assert_books_balanced()


def test_timeout_after_stripe_did_the_work_moves_money_once(fake_stripe, approved):
    milestone, release = approved
    fake_stripe.fail_next("POST", "/v1/transfers", "timeout_after")
    with pytest.raises(GatewayUnavailable):
        services.release_execute(release.pk)
    assert len(transfers(fake_stripe)) == 1  # Stripe made it; we never heard
    services.release_execute(release.pk)
    assert len(transfers(fake_stripe)) == 1  # the retry got Stripe's stored answer
    release.refresh_from_db()
    assert release.status == "succeeded" and release.transfer_id == transfers(fake_stripe)[0]["id"]
    assert MilestoneEscrow.objects.get(milestone=milestone).released_cents == 30_000
    assert_books_balanced()


def test_worker_killed_between_stripe_call_and_db_write(fake_stripe, approved, deliver):
    """The transfer exists at Stripe, the worker died before writing it down. Both
    recovery paths (the sweeper re-running the task, the transfer.created webhook) are
    safe, in either order."""
    milestone, release = approved
    from payments.gateways import get_gateway

    # What the task did before dying: the Stripe call, exactly as release_execute makes it.
    payment = release.payment
    charge = get_gateway().payment_intent_charge(payment.payment_intent_id)
    get_gateway().transfer_create(
        idempotency_key=release.idempotency_key, amount_cents=release.amount_cents, currency="usd",
        destination=release.contractor.payout_account.account_id,
        source_transaction=charge, transfer_group=f"contract-{milestone.contract_id}",
        metadata={"release_id": str(release.pk), "milestone_id": str(milestone.pk),
                  "contract_id": str(milestone.contract_id)},
    )
    release.refresh_from_db()
    assert release.status == "pending"
    # Recovery 1: Stripe's webhook arrives.
    deliver(fake_stripe.event("transfer.created", transfers(fake_stripe)[0]))
    # Recovery 2: the sweeper re-runs the task (acks_late redelivery does the same).
    services.release_execute(release.pk)
    # Even a row wrongly put back to pending cannot book twice: the ledger key and the
    # escrow constraints hold.
    Release.objects.filter(pk=release.pk).update(status="pending")
    services.release_execute(release.pk)
    assert len(transfers(fake_stripe)) == 1
    assert MilestoneEscrow.objects.get(milestone=milestone).released_cents == 30_000
    assert_books_balanced()


def test_sweeper_requeues_stuck_rows_and_is_safe_to_repeat(fake_stripe, approved, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    milestone, release = approved
    fake_stripe.fail_next("POST", "/v1/transfers", "timeout_after")
    with pytest.raises(GatewayUnavailable):
        services.release_execute(release.pk)
    later = timezone.now() + timedelta(minutes=30)
    assert services.sweep_stuck(now=later)["releases"] == 1
    assert services.sweep_stuck(now=later)["releases"] == 0  # done: nothing left pending
    assert len(transfers(fake_stripe)) == 1
    assert Release.objects.get(pk=release.pk).status == "succeeded"


def test_4xx_is_terminal_alerts_staff_and_staff_retry_uses_a_new_key(fake_stripe, approved, alerts, staff_user):
    milestone, release = approved
    fake_stripe.fail_next("POST", "/v1/transfers", "400")
    services.release_execute(release.pk)
    release.refresh_from_db()
    assert release.status == "failed" and "fake_400" in release.last_error
    assert len(alerts) == 1 and alerts[0][1]["tags"] == {"payments.alert": "release.failed"}
    from audit.models import AuditLog

    assert AuditLog.objects.filter(action="release.failed", target_id=str(release.pk)).exists()
    escrow = MilestoneEscrow.objects.get(milestone=milestone)
    assert escrow.reserved_cents == 30_000 and escrow.held_cents == 30_000  # still owed, still held
    services.release_execute(release.pk)  # a stray retry of a failed release does nothing
    assert len(fake_stripe.calls("POST", "/v1/transfers")) == 1

    services.release_retry(actor=staff_user, release=release)
    services.release_execute(release.pk)
    keys = [c.idempotency_key for c in fake_stripe.calls("POST", "/v1/transfers")]
    assert keys == [f"release-{release.pk}", f"release-{release.pk}-retry1"]
    assert len(transfers(fake_stripe)) == 1
    assert Release.objects.get(pk=release.pk).status == "succeeded"
    assert_books_balanced()


def test_celery_task_retries_on_outage(fake_stripe, approved):
    _, release = approved
    assert release_execute_task.acks_late and release_execute_task.reject_on_worker_lost
    fake_stripe.fail_next("POST", "/v1/transfers", "500")
    from celery.exceptions import Retry

    with pytest.raises(Retry):  # autoretry_for=GatewayUnavailable schedules a retry with backoff
        release_execute_task.apply(args=[str(release.pk)])
    assert release_execute_task.apply(args=[str(release.pk)]).get() == "succeeded"  # the retry
    assert len(transfers(fake_stripe)) == 1
    assert {c.idempotency_key for c in fake_stripe.calls("POST", "/v1/transfers")} == {f"release-{release.pk}"}


def test_refund_timeout_then_retry_refunds_once(fake_stripe, deliver, contract, homeowner):
    milestone = contract.milestones.get(position=1)
    fund_via_checkout(fake_stripe, deliver, milestone, homeowner)
    refund = services.refund_create(milestone=milestone, amount_cents=30_000, reason="dispute")
    fake_stripe.fail_next("POST", "/v1/refunds", "timeout_after")
    with pytest.raises(GatewayUnavailable):
        services.refund_execute(refund.pk)
    services.refund_execute(refund.pk)
    assert len([o for o in fake_stripe.objects.values() if o["object"] == "refund"]) == 1
    assert Refund.objects.get(pk=refund.pk).status == "succeeded"
    assert_books_balanced()


def test_stripe_down_at_checkout_then_retry_reuses_the_key(fake_stripe, contract, homeowner):
    milestone = contract.milestones.get(position=1)
    fake_stripe.fail_next("POST", "/v1/checkout/sessions", "timeout_after")
    with pytest.raises(GatewayUnavailable):
        contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    payment = Payment.objects.get(milestone=milestone)
    assert payment.status == "pending" and not payment.checkout_url
    again = contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    assert again.pk == payment.pk and again.checkout_url
    assert [c.idempotency_key for c in fake_stripe.calls("POST", "/v1/checkout/sessions")] == [f"fund-{payment.pk}"] * 2
    assert len([o for o in fake_stripe.objects.values() if o["object"] == "checkout.session"]) == 1


def test_checkout_rejected_frees_the_milestone(fake_stripe, contract, homeowner):
    from payments.gateways import GatewayRejected

    milestone = contract.milestones.get(position=1)
    fake_stripe.fail_next("POST", "/v1/checkout/sessions", "400")
    with pytest.raises(GatewayRejected):
        contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    assert Payment.objects.get(milestone=milestone).status == "expired"
    assert contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk).checkout_url


# --- bad input --------------------------------------------------------------------------------
def test_funding_someone_elses_milestone(fake_stripe, contract, other_homeowner, contractor):
    milestone = contract.milestones.get(position=1)
    for actor in (other_homeowner, contractor):
        with pytest.raises(PermissionDenied):
            contract_services.milestone_fund(actor=actor, milestone_id=milestone.pk)
    assert Payment.objects.count() == 0


def test_funding_a_funded_milestone(fake_stripe, deliver, contract, homeowner):
    milestone = contract.milestones.get(position=1)
    fund_via_checkout(fake_stripe, deliver, milestone, homeowner)
    with pytest.raises(InvalidState, match="already funded"):
        contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 1


def test_approving_unfunded_or_unsubmitted(fake_stripe, deliver, contract, homeowner):
    milestone = contract.milestones.get(position=1)
    with pytest.raises(InvalidState, match="not funded"):
        contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    fund_via_checkout(fake_stripe, deliver, milestone, homeowner)
    with pytest.raises(InvalidState, match="not submitted"):
        contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    assert Release.objects.count() == 0


def test_releasing_twice(fake_stripe, approved, homeowner):
    milestone, release = approved
    with pytest.raises(InvalidState, match="already been approved"):
        contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    with pytest.raises(InvalidState):
        services.release_create(milestone=milestone, amount_cents=1, reason="approved")
    services.release_execute(release.pk)
    services.release_execute(release.pk)
    assert Release.objects.count() == 1 and len(transfers(fake_stripe)) == 1
    assert_books_balanced()


def test_contractor_cannot_approve_own_work(fake_stripe, deliver, contract, homeowner, contractor):
    milestone = contract.milestones.get(position=1)
    fund_via_checkout(fake_stripe, deliver, milestone, homeowner)
    submit(milestone, contractor)
    with pytest.raises(PermissionDenied):
        contract_services.milestone_approve(actor=contractor, milestone_id=milestone.pk)
