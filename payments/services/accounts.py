"""Contractor payout onboarding: the Connect Express account and its readiness."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

import audit
from core.exceptions import PermissionDenied
from core.links import absolute_reverse

from ..gateways import AccountState, get_gateway
from ..models import PayoutAccount
from .releases import releases_resume_for


def payout_account_ensure(*, actor, request=None) -> PayoutAccount:
    if not actor.is_contractor:
        raise PermissionDenied("Only contractors receive payouts.")
    existing = PayoutAccount.objects.filter(user=actor).first()
    if existing is not None:
        return existing
    gateway = get_gateway()
    # One account per contractor even if they double-click: the key is the user's id.
    state = gateway.account_create(idempotency_key=f"account-{actor.pk}", email=actor.email,
                                   metadata={"user_id": str(actor.pk)})
    try:
        with transaction.atomic():
            account = PayoutAccount.objects.create(user=actor, gateway=gateway.name, account_id=state.account_id)
            audit.record(actor, "payout_account.created", account, request=request, account=state.account_id)
    except IntegrityError:
        return PayoutAccount.objects.get(user=actor)
    payout_account_apply(account_id=account.account_id, state=state, as_of=timezone.now())
    account.refresh_from_db()
    return account


def onboarding_link(*, actor, request=None) -> str:
    """A fresh single-use onboarding link (Account Links expire within minutes)."""
    account = payout_account_ensure(actor=actor, request=request)
    url = get_gateway().account_link_create(
        account_id=account.account_id,
        refresh_url=absolute_reverse("payments:onboarding_refresh"),
        return_url=absolute_reverse("payments:payouts", query="onboarding=returned"),
    )
    audit.record(actor, "payout_account.link_created", account, request=request)
    return url


def payout_account_refresh(*, account: PayoutAccount) -> PayoutAccount:
    """Ask the provider for the account's state (the return page; webhooks may lag)."""
    state = get_gateway().account_retrieve(account.account_id)
    payout_account_apply(account_id=account.account_id, state=state, as_of=timezone.now())
    account.refresh_from_db()
    return account


def payout_account_apply(*, account_id: str, state: AccountState, as_of: datetime) -> PayoutAccount | None:
    """Apply an account state. Older news never overwrites newer (events arrive out of order)."""
    with transaction.atomic():
        account = PayoutAccount.objects.select_for_update().filter(account_id=account_id).first()
        if account is None:
            return None
        # Stripe event times have one-second resolution: news from the same second as our
        # own last read is not older, so it applies.
        if account.state_as_of and as_of.replace(microsecond=0) < account.state_as_of.replace(microsecond=0):
            return account
        became_ready = state.payouts_enabled and not account.payouts_enabled
        account.payouts_enabled = state.payouts_enabled
        account.charges_enabled = state.charges_enabled
        account.details_submitted = state.details_submitted
        account.requirements_due = state.requirements_due
        account.state_as_of = as_of
        account.save()
        if became_ready:
            audit.record(None, "payout_account.ready", account)
            releases_resume_for(contractor_id=account.user_id)
    return account
