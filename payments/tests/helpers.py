"""Shared steps for money tests: drive the flow through the real services."""

from django.db.models import Sum

from contracts import services as contract_services
from contracts.models import Milestone
from payments import ledger, services
from payments.models import LedgerEntry, MilestoneEscrow, Payment, PayoutAccount, Refund, Release

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


def assert_books_balanced():
    """The invariants the issue names, checked against the database."""
    assert ledger.unbalanced_transactions() == []
    for escrow in MilestoneEscrow.objects.all():
        held = -ledger.balance(ledger.escrow_account(escrow.milestone_id))
        assert held == escrow.held_cents >= 0
        assert 0 <= escrow.reserved_cents <= escrow.held_cents
    money_in = Payment.objects.filter(status="succeeded").aggregate(s=Sum("amount_cents"))["s"] or 0
    out = (Release.objects.filter(status="succeeded").aggregate(s=Sum("amount_cents"))["s"] or 0) + (
        Refund.objects.filter(status="succeeded").aggregate(s=Sum("amount_cents"))["s"] or 0)
    assert out <= money_in
    # Every cent that left stripe:balance went to a transfer or refund we recorded.
    stripe_balance = LedgerEntry.objects.filter(account=ledger.STRIPE_BALANCE).aggregate(s=Sum("amount_cents"))["s"] or 0
    fees = -(LedgerEntry.objects.filter(account=ledger.PLATFORM_FEES).aggregate(s=Sum("amount_cents"))["s"] or 0)
    held = sum(e.held_cents for e in MilestoneEscrow.objects.all())
    assert stripe_balance == held + fees


def released_milestone_ids():
    return set(Milestone.objects.filter(status="released").values_list("pk", flat=True))
