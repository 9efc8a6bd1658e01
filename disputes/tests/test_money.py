"""Money per outcome against the fake Stripe (HTTP layer): the ledger balances, escrow ends
at zero, Stripe saw exactly the expected transfers and refunds, and the contract ends right."""

import pytest

from disputes import services
from payments import ledger
from payments import services as money
from payments.models import MilestoneEscrow, Refund, Release
from payments.tests.helpers import assert_books_balanced

from .helpers import disputed, make_contract

pytestmark = pytest.mark.django_db

AMOUNT = 40_000  # one milestone of $400.00; the fee at 5% is $20.00


@pytest.fixture
def one_milestone(homeowner, contractor, fake_stripe):
    return make_contract(homeowner, contractor, milestones=[("Everything", AMOUNT)])


def _decide(dispute, staff, outcome, contractor_cents=None, capture=None):
    with capture(execute=True):
        services.dispute_resolve(actor=staff, dispute_id=dispute.pk, outcome=outcome, reason="Photos show it.",
                                 contractor_amount_cents=contractor_cents)
    dispute.refresh_from_db()
    return dispute


def _stripe_amounts(fake):
    transfers = [int(r.params["amount"]) for r in fake.calls("POST", "/v1/transfers")]
    refunds = [int(r.params["amount"]) for r in fake.calls("POST", "/v1/refunds")]
    return transfers, refunds


@pytest.mark.parametrize("outcome, contractor_cents, transfers, refunds, milestone_status", [
    ("release", None, [AMOUNT], [], "released"),
    ("refund", None, [], [AMOUNT, 2_000], "refunded"),
    ("split", 30_000, [30_000], [10_000, 500], "split"),
])
def test_outcome_moves_exact_money(one_milestone, fake_stripe, deliver, staff_user, django_capture_on_commit_callbacks,
                                   outcome, contractor_cents, transfers, refunds, milestone_status):
    dispute = disputed(one_milestone, fake=fake_stripe, deliver=deliver)
    fake_stripe.requests.clear()
    dispute = _decide(dispute, staff_user, outcome, contractor_cents, django_capture_on_commit_callbacks)
    assert _stripe_amounts(fake_stripe) == (transfers, refunds)
    for call in fake_stripe.calls("POST", "/v1/refunds") + fake_stripe.calls("POST", "/v1/transfers"):
        assert call.idempotency_key  # derived from our rows
    escrow = MilestoneEscrow.objects.get(milestone=dispute.milestone)
    assert escrow.held_cents == 0 and escrow.reserved_cents == 0
    assert ledger.balance(ledger.escrow_account(dispute.milestone_id)) == 0
    assert_books_balanced()
    dispute.milestone.refresh_from_db()
    assert dispute.milestone.status == milestone_status
    one_milestone.refresh_from_db()
    one_milestone.job.refresh_from_db()
    assert one_milestone.status == "completed" and one_milestone.job.status == "completed"
    fee_back = refunds[1] if len(refunds) > 1 else 0
    assert dispute.fee_refund_cents == fee_back
    # The fee that stayed with the platform is exactly the fee on what the contractor got.
    assert -ledger.balance(ledger.PLATFORM_FEES) == 2_000 - fee_back


def test_accepted_offer_splits_and_keys_come_from_rows(one_milestone, fake_stripe, deliver,
                                                       django_capture_on_commit_callbacks):
    dispute = disputed(one_milestone, fake=fake_stripe, deliver=deliver)
    offer = services.offer_make(actor=one_milestone.contractor, dispute_id=dispute.pk, contractor_amount_cents=25_000)
    fake_stripe.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_accept(actor=one_milestone.homeowner, offer_id=offer.pk)
    dispute.refresh_from_db()
    assert dispute.status == "resolved" and dispute.accepted_offer_id == offer.pk and dispute.resolved_by is None
    release = Release.objects.get(milestone=dispute.milestone)
    refund = Refund.objects.get(milestone=dispute.milestone, kind="escrow")
    fee = Refund.objects.get(milestone=dispute.milestone, kind="fee")
    keys = {r.path: r.idempotency_key for r in fake_stripe.requests if r.method == "POST"}
    assert keys["/v1/transfers"] == f"release-{release.pk}"
    refund_keys = [r.idempotency_key for r in fake_stripe.calls("POST", "/v1/refunds")]
    assert refund_keys == [f"refund-{refund.pk}", f"fee-refund-{fee.pk}"]
    assert (release.amount_cents, refund.amount_cents, fee.amount_cents) == (25_000, 15_000, 750)
    assert release.status == refund.status == fee.status == "succeeded"
    assert_books_balanced()


def test_resolving_twice_is_refused_and_moves_nothing(one_milestone, fake_stripe, deliver, staff_user,
                                                      django_capture_on_commit_callbacks):
    from core.exceptions import InvalidState

    dispute = disputed(one_milestone, fake=fake_stripe, deliver=deliver)
    _decide(dispute, staff_user, "refund", capture=django_capture_on_commit_callbacks)
    before = len(fake_stripe.requests)
    with pytest.raises(InvalidState):
        services.dispute_resolve(actor=staff_user, dispute_id=dispute.pk, outcome="release", reason="again")
    assert len(fake_stripe.requests) == before


def test_split_amount_rules(one_milestone, fake_stripe, deliver, staff_user):
    from core.exceptions import PermissionDenied, ValidationFailed

    dispute = disputed(one_milestone, fake=fake_stripe, deliver=deliver)
    for bad in (None, 0, AMOUNT, AMOUNT + 1, -5):
        with pytest.raises(ValidationFailed):
            services.dispute_resolve(actor=staff_user, dispute_id=dispute.pk, outcome="split", reason="r",
                                     contractor_amount_cents=bad)
    with pytest.raises(ValidationFailed):
        services.dispute_resolve(actor=staff_user, dispute_id=dispute.pk, outcome="refund", reason="  ")
    with pytest.raises(PermissionDenied):
        services.dispute_resolve(actor=one_milestone.homeowner, dispute_id=dispute.pk, outcome="refund", reason="r")
    dispute.refresh_from_db()
    assert dispute.is_open and not Refund.objects.exists()


@pytest.mark.parametrize("mode", ["timeout", "timeout_after", "500"])
def test_refund_failure_is_retried_and_pays_once(one_milestone, fake_stripe, deliver, staff_user,
                                                 django_capture_on_commit_callbacks, mode):
    """The provider times out (before or after doing the work) or answers 5xx: the rows stay
    pending and are sent again (Celery retry or the sweepers) with the SAME key; Stripe ends
    with exactly one refund per row."""
    from datetime import timedelta

    from django.utils import timezone

    dispute = disputed(one_milestone, fake=fake_stripe, deliver=deliver)
    fake_stripe.fail_next("POST", "/v1/refunds", mode)
    fake_stripe.fail_next("POST", "/v1/refunds", mode)  # the fee refund's first try fails too
    _decide(dispute, staff_user, "refund", capture=django_capture_on_commit_callbacks)
    refund = Refund.objects.get(milestone=dispute.milestone, kind="escrow")
    fee = Refund.objects.get(milestone=dispute.milestone, kind="fee")
    assert refund.status == fee.status == "pending" and refund.last_error and fee.last_error
    dispute.milestone.refresh_from_db()
    assert dispute.milestone.status == "refunded"  # the decision stands; only the money is late
    later = timezone.now() + timedelta(minutes=15)
    money.sweep_stuck(now=later)  # one sweeper for every kind of refund
    refund.refresh_from_db()
    fee.refresh_from_db()
    assert refund.status == fee.status == "succeeded"
    calls = fake_stripe.calls("POST", "/v1/refunds")
    assert len(calls) == 4  # two attempts each
    assert {c.idempotency_key for c in calls} == {f"refund-{refund.pk}", f"fee-refund-{fee.pk}"}
    stripe_refunds = [o for o in fake_stripe.objects.values() if o["object"] == "refund"]
    assert sorted(o["amount"] for o in stripe_refunds) == [2_000, AMOUNT]
    # Running the tasks again (a duplicate delivery, the sweeper) changes nothing.
    money.refund_execute(refund.pk)
    money.refund_execute(fee.pk)
    assert len([o for o in fake_stripe.objects.values() if o["object"] == "refund"]) == 2
    assert_books_balanced()


def test_rejected_fee_refund_alerts_and_staff_retry(one_milestone, fake_stripe, deliver, staff_user,
                                                    django_capture_on_commit_callbacks):
    dispute = disputed(one_milestone, fake=fake_stripe, deliver=deliver)
    fake_stripe.fail_next("POST", "/v1/refunds", "400")  # the escrow refund is rejected
    _decide(dispute, staff_user, "split", 20_000, capture=django_capture_on_commit_callbacks)
    refund = Refund.objects.get(milestone=dispute.milestone, kind="escrow")
    fee = Refund.objects.get(milestone=dispute.milestone, kind="fee")
    assert refund.status == "failed" and fee.status == "succeeded"
    with django_capture_on_commit_callbacks(execute=True):
        money.refund_retry(actor=staff_user, refund=refund)
    refund.refresh_from_db()
    assert refund.status == "succeeded"
    escrow = MilestoneEscrow.objects.get(milestone=dispute.milestone)
    assert escrow.held_cents == 0
    assert_books_balanced()


def test_release_waits_for_payouts_then_contract_completes(homeowner, contractor, fake_stripe, deliver, staff_user,
                                                           django_capture_on_commit_callbacks):
    contract = make_contract(homeowner, contractor, milestones=[("All", AMOUNT)])
    dispute = disputed(contract, fake=fake_stripe, deliver=deliver, submitted=False, onboarded=False,
                       opener=contractor)
    _decide(dispute, staff_user, "release", capture=django_capture_on_commit_callbacks)
    release = Release.objects.get(milestone=dispute.milestone)
    assert release.status == "waiting" and fake_stripe.calls("POST", "/v1/transfers") == []
    contract.refresh_from_db()
    assert contract.status == "completed"  # the milestone is closed; the money follows onboarding
    assert_books_balanced()
