"""Random sequences of fund / pay / submit / approve / request changes / refund / task runs /
Stripe faults / duplicated and reordered webhooks / card disputes opened, won and lost /
refunds made in the Stripe dashboard / staff lifting a freeze. After every step: every
ledger transaction balances, escrow is never negative and matches the ledger, money out
never exceeds money in, nothing is left owed, platform:chargebacks holds what open disputes
withdrew, and Stripe never moved money twice for one row. At the end of each history,
once every event has been delivered and every task run, the ledger's Stripe balance equals
Stripe's own balance history and `reconcile` says exactly whether the books match Stripe."""

import pytest
from django.db import transaction
from django.db.models import Count
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from contracts import services as contract_services
from contracts.models import Contract, Milestone
from contracts.tests.factories import contract_for
from core.exceptions import ApplicationError
from payments import services
from payments.gateways import GatewayError
from payments.models import Chargeback, MilestoneEscrow, Payment, Refund, Release, WebhookEvent
from payments.services.common import lock_milestone

from .helpers import assert_books_balanced
from .images import png_upload

TRUTH = {"agree_ok": 0, "agree_differences": 0}


def books_match_stripe(fake) -> bool:
    """Independently of reconcile: does the ledger hold what Stripe's history says, and is
    every dispute and refund Stripe has one of our rows in the same state?"""
    try:
        assert_books_balanced(fake)
    except AssertionError:
        return False
    chargebacks = dict(Chargeback.objects.values_list("dispute_id", "stripe_status"))
    refunds = dict(Refund.objects.exclude(refund_id=None).values_list("refund_id", "status"))
    for obj in fake.objects.values():
        if obj["object"] == "dispute" and chargebacks.get(obj["id"]) != obj["status"]:
            return False
        if obj["object"] == "refund" and (refunds.get(obj["id"]) == "succeeded") != (obj["status"] == "succeeded"):
            return False
    return True

pytestmark = pytest.mark.django_db


def test_money_invariants_hold_for_random_histories(fake_stripe, deliver, homeowner, contractor, staff_user):
    class Money(RuleBasedStateMachine):
        @initialize(amounts=st.lists(st.integers(min_value=1, max_value=5_000_00), min_size=1, max_size=3))
        def setup(self, amounts):
            self.contract = contract_for(homeowner=homeowner, contractor=contractor,
                                         milestones=[(f"Step {i}", cents) for i, cents in enumerate(amounts)])
            self.milestones = list(self.contract.milestones.order_by("position"))
            self.outbox: list[dict] = []  # webhook events Stripe has produced, deliverable in any order
            self.account = services.payout_account_ensure(actor=contractor)
            self.staff = staff_user
            self.disputes: list[str] = []  # this history's own (the database outlives one history)

        def pick(self, index):
            return self.milestones[index % len(self.milestones)]

        def attempt(self, action):
            try:
                return action()
            except (ApplicationError, GatewayError):
                return None  # refused or failed: the invariants must hold all the same

        @rule(i=st.integers(0, 2), pays=st.booleans())
        def fund(self, i, pays):
            """The homeowner starts Checkout and (maybe) pays at Stripe; the webhooks queue up."""
            self.attempt(lambda: contract_services.milestone_fund(actor=homeowner, milestone_id=self.pick(i).pk))
            payment = Payment.objects.filter(milestone=self.pick(i), status="pending").exclude(
                checkout_session_id=None).first()
            if not pays or payment is None or fake_stripe.objects[payment.checkout_session_id]["status"] != "open":
                return
            session = fake_stripe.complete_checkout(payment.checkout_session_id)
            self.outbox.append(fake_stripe.event("checkout.session.completed", session))
            self.outbox.append(fake_stripe.event("payment_intent.succeeded",
                                                 fake_stripe.objects[session["payment_intent"]]))

        @rule(i=st.integers(0, 2))
        def submit(self, i):
            self.attempt(lambda: contract_services.milestone_submit(actor=contractor, milestone_id=self.pick(i).pk, notes="Done",
                                                       files=[png_upload()]))

        @rule(i=st.integers(0, 2))
        def approve(self, i):
            self.attempt(lambda: contract_services.milestone_approve(actor=homeowner, milestone_id=self.pick(i).pk))

        @rule(i=st.integers(0, 2))
        def request_changes(self, i):
            self.attempt(lambda: contract_services.milestone_request_changes(actor=homeowner, milestone_id=self.pick(i).pk,
                                                                note="Please fix"))

        @rule(i=st.integers(0, 2), share=st.floats(0.01, 1.0))
        def refund(self, i, share):
            milestone = self.pick(i)

            def run():
                with transaction.atomic():
                    locked = lock_milestone(milestone.pk)
                    return services.refund_create(milestone=locked, amount_cents=max(1, int(locked.amount_cents * share)),
                                                  reason="dispute outcome")

            self.attempt(run)

        @rule(fault=st.sampled_from([None, "timeout", "timeout_after", "500", "400"]))
        def run_tasks(self, fault):
            """What the workers (and the sweeper) do, possibly while Stripe misbehaves."""
            if fault:
                fake_stripe.fail_next("POST", "/v1/transfers", fault)
                fake_stripe.fail_next("POST", "/v1/refunds", fault)
            for pk in Release.objects.filter(status="pending").values_list("pk", flat=True):
                self.attempt(lambda pk=pk: services.release_execute(pk))
            for pk in Refund.objects.filter(status="pending").values_list("pk", flat=True):
                self.attempt(lambda pk=pk: services.refund_execute(pk))
            fake_stripe._faults.clear()
            for obj in fake_stripe.objects.values():
                if obj["object"] == "transfer" and not obj.get("_announced"):
                    obj["_announced"] = True
                    self.outbox.append(fake_stripe.event("transfer.created", obj))

        def _succeeded_charge(self, i):
            payment = Payment.objects.filter(milestone=self.pick(i), status="succeeded").first()
            return fake_stripe.objects[fake_stripe.objects[payment.payment_intent_id]["latest_charge"]] if payment \
                else None

        @rule(i=st.integers(0, 2), share=st.floats(0.05, 1.0), withdraw=st.booleans())
        def cardholder_disputes(self, i, share, withdraw):
            """The homeowner's bank opens a dispute on a paid milestone (funds withdrawn at once or later)."""
            charge = self._succeeded_charge(i)
            if charge is None or any(o["object"] == "dispute" and o["charge"] == charge["id"]
                                     for o in fake_stripe.objects.values()):
                return
            dispute = fake_stripe.open_dispute(charge["id"], max(1, int(charge["amount"] * share)), withdraw=withdraw)
            self.disputes.append(dispute["id"])
            self.outbox.append(fake_stripe.event("charge.dispute.created", dispute))
            if withdraw:
                self.outbox.append(fake_stripe.event("charge.dispute.funds_withdrawn", dispute))

        def bank_decides(self, won):
            """The oldest open dispute is decided (withdrawing first if it had not yet)."""
            open_ = [fake_stripe.objects[d] for d in self.disputes if fake_stripe.objects[d]["status"] == "needs_response"]
            if not open_:
                return
            dispute = open_[0]
            if not dispute["balance_transactions"]:
                self.outbox.append(fake_stripe.event("charge.dispute.funds_withdrawn",
                                                     fake_stripe.withdraw_dispute_funds(dispute["id"])))
            closed = fake_stripe.close_dispute(dispute["id"], won=won)
            if won:
                self.outbox.append(fake_stripe.event("charge.dispute.funds_reinstated", closed))
            self.outbox.append(fake_stripe.event("charge.dispute.closed", closed))

        # Disputes are rarer than approvals in life, but each history should meet one; and
        # banks decide both ways.
        bank_decides_for_merchant = rule()(lambda self: self.bank_decides(True))
        bank_decides_for_cardholder = rule()(lambda self: self.bank_decides(False))

        @rule(i=st.integers(0, 2), share=st.floats(0.01, 1.0))
        def dashboard_refund(self, i, share):
            """Someone refunds part of a paid charge in the Stripe dashboard."""
            charge = self._succeeded_charge(i)
            if charge is None or any(o["object"] == "dispute" and o["charge"] == charge["id"] and o["status"] != "won"
                                     for o in fake_stripe.objects.values()):
                return
            amount = min(max(1, int(charge["amount"] * share)), charge["amount"] - charge["amount_refunded"])
            if amount <= 0:
                return
            refund = fake_stripe.dashboard_refund(charge["id"], amount)
            self.outbox.append(fake_stripe.event("refund.created", refund))
            self.outbox.append(fake_stripe.event("charge.refunded", fake_stripe.public(charge["id"])))

        @rule()
        def staff_unfreeze(self):
            for escrow in MilestoneEscrow.objects.exclude(frozen_at=None):
                self.attempt(lambda e=escrow: services.escrow_unfreeze_by_staff(
                    actor=self.staff, milestone_id=e.milestone_id, note="Checked with both parties."))

        @rule()
        def staff_retry_failed(self):
            for release in Release.objects.filter(status="failed"):
                services.release_retry(actor=None, release=release)

        @rule()
        def contractor_finishes_onboarding(self):
            fake_stripe.finish_onboarding(self.account.account_id)
            self.outbox.append(fake_stripe.event("account.updated", fake_stripe.objects[self.account.account_id]))

        @rule(data=st.data())
        def deliver_webhook(self, data):
            """Any stored event, in any order, any number of times (it stays in the outbox)."""
            if not self.outbox:
                return
            event = data.draw(st.sampled_from(self.outbox))
            assert deliver(event).status_code == 200

        @rule(i=st.integers(0, 2), choice=st.sampled_from(["approve", "approve", "changes", "refund"]))
        def advance(self, i, choice):
            """Take milestone i one natural step further, so random histories reach deep states."""
            milestone = self.pick(i)
            milestone.refresh_from_db()
            if milestone.status == "unfunded":
                self.fund(i, pays=True)
                self.deliver_all_shuffled(__import__("random").Random(i), repeat=False)
            elif milestone.status == "funded":
                self.submit(i)
            elif milestone.status == "submitted":
                {"approve": self.approve, "changes": self.request_changes,
                 "refund": lambda i: self.refund(i, 1.0)}[choice](i)
            else:
                self.run_tasks(None)

        # Weighted: rules are drawn uniformly, and most steps should move a milestone on.
        advance_again = rule(i=st.integers(0, 2), choice=st.sampled_from(["approve", "changes", "refund"]))(
            lambda self, i, choice: self.advance(i, choice))
        advance_once_more = rule(i=st.integers(0, 2), choice=st.just("approve"))(
            lambda self, i, choice: self.advance(i, choice))

        @rule(order=st.randoms(use_true_random=False), repeat=st.booleans())
        def deliver_all_shuffled(self, order, repeat):
            """Everything Stripe has sent so far, reordered, some of it twice."""
            events = list(self.outbox) * (2 if repeat else 1)
            order.shuffle(events)
            for event in events:
                assert deliver(event).status_code == 200

        def teardown(self):
            """Stripe's side settles: every event delivered (twice, shuffled), every task run."""
            if not hasattr(self, "contract"):
                return
            self.run_tasks(None)
            for event in self.outbox:  # each once more, in order: every event has now reached us
                assert deliver(event).status_code == 200
            seen = len(self.outbox)
            self.run_tasks(None)  # releases a decided dispute let go, refunds it held
            for event in self.outbox[seen:]:
                assert deliver(event).status_code == 200
            assert not WebhookEvent.objects.filter(status="failed").exists()
            truth = books_match_stripe(fake_stripe)
            run = services.reconcile()
            assert run.ok == truth, run.differences
            TRUTH["agree_ok" if truth else "agree_differences"] += 1

        @invariant()
        def books_balance(self):
            if hasattr(self, "contract"):
                assert_books_balanced()

        @invariant()
        def milestones_follow_their_escrow(self):
            """A lost chargeback or an outside refund that empties an open milestone's escrow
            closes it (refunded, clock stopped); a closed contract has no open milestone; an
            approval never releases more than the milestone or than escrow held."""
            if not hasattr(self, "contract"):
                return
            for milestone in Milestone.objects.filter(contract=self.contract):
                escrow = MilestoneEscrow.objects.filter(milestone=milestone).first()
                releases = list(Release.objects.filter(milestone=milestone))
                if milestone.status == "refunded":
                    assert escrow is not None and escrow.held_cents == 0 and not releases, milestone
                    assert milestone.closed_at is not None and milestone.auto_approve_at is None
                elif milestone.status == "released":
                    assert len(releases) == 1 and 0 < releases[0].amount_cents <= milestone.amount_cents
                elif milestone.status in ("funded", "submitted") and escrow is not None and escrow.held_cents == 0:
                    # Only the history's own direct escrow refund (no lifecycle step of ours) may
                    # empty an open milestone; a loss never leaves it open with nothing in it.
                    assert Refund.objects.filter(milestone=milestone, kind="escrow").exists(), milestone
            contract = Contract.objects.get(pk=self.contract.pk)
            open_left = Milestone.objects.filter(contract=contract).exclude(status__in=Milestone.CLOSED).exists()
            assert (contract.status == "completed") == (not open_left and contract.status != "cancelled"), contract

        @invariant()
        def stripe_moved_money_at_most_once_per_row(self):
            transfers = [o for o in fake_stripe.objects.values() if o["object"] == "transfer"]
            per_release = [o["metadata"]["release_id"] for o in transfers]
            assert len(per_release) == len(set(per_release))
            refunds = [o["metadata"]["refund_id"] for o in fake_stripe.objects.values()
                       if o["object"] == "refund" and o["metadata"]]  # dashboard refunds carry none of ours
            assert len(refunds) == len(set(refunds))
            for release in Release.objects.filter(status="succeeded"):
                assert release.transfer_id in {o["id"] for o in transfers}

    run_state_machine_as_test(Money, settings=settings(
        max_examples=12, stateful_step_count=40, deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    ))
    # The histories reached the interesting states, not just failed preconditions.
    assert Payment.objects.filter(status="succeeded").exists()
    assert Release.objects.exists() and Refund.objects.exists()
    assert WebhookEvent.objects.filter(deliveries__gt=1).exists() or WebhookEvent.objects.count() > 5
    print("state machine reached:", {
        "payments": Payment.objects.filter(status="succeeded").count(),
        "releases": dict(Release.objects.values_list("status").annotate(n=Count("pk"))),
        "refunds": dict(Refund.objects.values_list("status").annotate(n=Count("pk"))),
        "events": WebhookEvent.objects.count(), "redeliveries": WebhookEvent.objects.filter(deliveries__gt=1).count(),
        "chargebacks": dict(Chargeback.objects.values_list("outcome").annotate(n=Count("pk"))),
        "outside_refunds": Refund.objects.filter(kind="outside").count(), "reconcile_vs_truth": dict(TRUTH),
    })
    # Which outcomes the fixed-seed histories reach shifts whenever a rule's preconditions
    # change; both outcomes are pinned one by one in test_chargebacks.py. Here: some were decided.
    assert Chargeback.objects.filter(outcome__in=["lost", "won"]).exists()
    assert Refund.objects.filter(kind="outside", status="succeeded").exists()
    print("milestones closed by a loss:", Milestone.objects.filter(status="refunded").count())
    assert TRUTH["agree_ok"] >= 6  # most histories end with books that match Stripe, and reconcile says so
