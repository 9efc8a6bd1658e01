"""The payments app's personal data (core.privacy): payments made, payouts received (the
Connect account and its releases) and refunds. All of it is the books: kept on erasure."""

from django.urls import reverse

from core.money import format_cents
from core.privacy import Blocker, rows

from .models import Payment, PayoutAccount, Refund, Release

RELEASE_OPEN = (Release.Status.PENDING, Release.Status.WAITING, Release.Status.FAILED)
REFUND_OPEN = (Refund.Status.PENDING, Refund.Status.FAILED)


def export(user) -> dict:
    account = PayoutAccount.objects.filter(user=user).first()
    return {
        "payments": [{**row, "receipt": reverse("payments:receipt", args=[row.pop("id")])} for row in rows(
            Payment.objects.filter(payer=user).order_by("created_at"),
            "id", "milestone__title", "amount_cents", "fee_cents", "total_cents", "currency", "status", "gateway",
            "created_at", "succeeded_at")],
        "payout_account": {
            "provider": account.gateway, "account_id": account.account_id, "payouts_enabled": account.payouts_enabled,
            "details_submitted": account.details_submitted, "created_at": account.created_at,
        } if account else None,
        "payouts": rows(Release.objects.filter(contractor=user).order_by("created_at"),
                        "milestone__title", "amount_cents", "currency", "reason", "status", "created_at", "succeeded_at"),
        "refunds": rows(Refund.objects.filter(homeowner=user).order_by("created_at"),
                        "milestone__title", "amount_cents", "currency", "reason", "status", "created_at", "succeeded_at"),
    }


def erasure_blockers(user) -> list[Blocker]:
    blockers = []
    for release in Release.objects.filter(contractor=user, status__in=RELEASE_OPEN).order_by("created_at"):
        amount = format_cents(release.amount_cents, release.currency)
        if release.status == Release.Status.WAITING:
            text = f"A payout of {amount} is waiting for your payout setup: finish it so the money can reach you."
        else:
            text = f"A payout of {amount} is still on its way to you."
        blockers.append(Blocker(text, reverse("payments:payouts"), "See your payouts"))
    for refund in Refund.objects.filter(homeowner=user, status__in=REFUND_OPEN).order_by("created_at"):
        blockers.append(Blocker(
            f"A refund of {format_cents(refund.amount_cents, refund.currency)} to your card is still being processed.",
            reverse("payments:receipt", args=[refund.payment_id]), "See the receipt"))
    return blockers


def erase(user) -> None:
    """Nothing is removed: payments, payouts, refunds, the payout account id and the ledger
    are accounting records the law requires us to keep (and Stripe reconciliation matches
    them by id). They stay, pointing at the pseudonymised account."""
