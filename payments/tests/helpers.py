"""Shared steps for money tests: drive the flow through the real services."""

from django.db.models import Q, Sum

from contracts import services as contract_services
from contracts.models import Milestone
from payments import ledger, services
from payments.models import Chargeback, LedgerEntry, MilestoneEscrow, Payment, PayoutAccount, Refund, Release

from .images import png_upload


def onboard(contractor, fake=None):
    """A contractor with a payout account that can receive transfers."""
    account = services.payout_account_ensure(actor=contractor)
    if fake is not None:
        fake.finish_onboarding(account.account_id)
        services.payout_account_refresh(account=account)
    else:
        PayoutAccount.objects.filter(pk=account.pk).update(payouts_enabled=True)
    account.refresh_from_db()
    return account


def fund_via_checkout(fake, deliver, milestone, homeowner, *, events=("checkout.session.completed",)):
    payment = contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    session = fake.complete_checkout(payment.checkout_session_id)
    intent = fake.objects[session["payment_intent"]]
    sent = []
    for kind in events:
        obj = session if kind.startswith("checkout") else intent
        event = fake.event(kind, obj)
        sent.append(event)
        assert deliver(event).status_code == 200
    payment.refresh_from_db()
    return payment, sent


def submit(milestone, contractor, files=None):
    return contract_services.milestone_submit(actor=contractor, milestone_id=milestone.pk, notes="All done, photos attached.",
                                 files=files or [png_upload()])


def assert_books_balanced(fake=None):
    """The invariants the issues name, checked against the database (and, given the fake
    Stripe, against Stripe's own balance history: every cent it moved is in the ledger)."""
    assert ledger.unbalanced_transactions() == []
    for escrow in MilestoneEscrow.objects.all():
        held = -ledger.balance(ledger.escrow_account(escrow.milestone_id))
        assert held == escrow.held_cents >= 0
        assert 0 <= escrow.reserved_cents <= escrow.held_cents
    money_in = Payment.objects.filter(status="succeeded").aggregate(s=Sum("amount_cents"))["s"] or 0
    out = (Release.objects.filter(status="succeeded").aggregate(s=Sum("amount_cents"))["s"] or 0) + (
        Refund.objects.filter(status="succeeded", kind="escrow").aggregate(s=Sum("amount_cents"))["s"] or 0)
    assert out <= money_in
    # Nothing is left owed: a payout or refund books both its legs together.
    owed = LedgerEntry.objects.filter(Q(account__endswith=":payable") | Q(account__endswith=":refunds")).values(
        "account").annotate(total=Sum("amount_cents")).exclude(total=0)
    assert list(owed) == []
    # platform:chargebacks holds exactly what open disputes withdrew; decided ones are settled.
    open_withdrawn = 0
    for chargeback in Chargeback.objects.all():
        left = (chargeback.withdrawn_cents - chargeback.reinstated_cents - chargeback.lost_from_escrow_cents
                - chargeback.lost_from_fees_cents - chargeback.loss_cents)
        assert left == 0 or chargeback.outcome == "open", chargeback
        open_withdrawn += left
    assert ledger.balance(ledger.PLATFORM_CHARGEBACKS) == open_withdrawn
    # What we hold at Stripe is escrow + the fee revenue we kept, less what disputes took
    # (withdrawn, fees, losses), plus what was recovered.
    stripe_balance = ledger.balance(ledger.STRIPE_BALANCE)
    fees = -ledger.balance(ledger.PLATFORM_FEES)
    held = sum(e.held_cents for e in MilestoneEscrow.objects.all())
    assert stripe_balance == held + fees - open_withdrawn - ledger.balance(ledger.PLATFORM_DISPUTE_FEES) - \
        ledger.balance(ledger.PLATFORM_LOSSES)
    if fake is not None:
        assert stripe_balance == sum(bt["net"] for bt in fake.balance_transactions)


def released_milestone_ids():
    return set(Milestone.objects.filter(status="released").values_list("pk", flat=True))
