"""Every money write goes through these functions (web, API, admin, tasks, commands)."""

from .accounts import onboarding_link, payout_account_apply, payout_account_ensure, payout_account_refresh
from .chargebacks import chargeback_apply, chargeback_recovery_start, escrow_unfreeze_by_staff
from .funding import (
    payment_checkout,
    payment_create,
    payment_mark_expired,
    payment_mark_failed,
    payment_mark_succeeded,
    payment_open_for,
)
from .reconciliation import reconcile
from .refunds import (
    fee_refund_create,
    refund_apply_status,
    refund_create,
    refund_execute,
    refund_mark_failed,
    refund_record_outside,
    refund_retry,
)
from .releases import (
    release_create,
    release_execute,
    release_mark_failed,
    release_mark_reversed,
    release_mark_succeeded,
    release_retry,
    releases_resume_for,
    releases_resume_held,
)
from .sweeper import sweep_stuck
from .webhooks import BadSignature, webhook_apply, webhook_receive

__all__ = [
    "BadSignature", "chargeback_apply", "chargeback_recovery_start", "escrow_unfreeze_by_staff", "fee_refund_create",
    "onboarding_link", "payment_checkout", "payment_create", "refund_record_outside", "releases_resume_held",
    "payment_mark_expired", "payment_mark_failed", "payment_mark_succeeded", "payment_open_for",
    "payout_account_apply", "payout_account_ensure", "payout_account_refresh", "reconcile", "refund_apply_status",
    "refund_create", "refund_execute", "refund_mark_failed", "refund_retry", "release_create", "release_execute",
    "release_mark_failed", "release_mark_reversed", "release_mark_succeeded", "release_retry",
    "releases_resume_for", "sweep_stuck", "webhook_apply", "webhook_receive",
]
