"""The simulated gateway: the embedded default and demos. It moves no money.

It answers at once, and its ids are derived from our idempotency keys, so repeating a
call returns the same object exactly as Stripe's idempotency does. Services treat its
answers like Stripe's, so rows, ledger entries and state changes are the real ones.
Production settings refuse to start with it.
"""

import hashlib

from .base import AccountState, CheckoutResult, GatewayRejected, RefundResult, RemoteObject, TransferResult


def _sim_id(prefix: str, key: str) -> str:
    return f"sim_{prefix}_{hashlib.sha256(key.encode()).hexdigest()[:24]}"


class SimulatedGateway:
    name = "simulated"
    simulated = True

    def checkout_create(self, *, idempotency_key, lines, currency, transfer_group, metadata, customer_email,
                        success_url, cancel_url) -> CheckoutResult:
        return CheckoutResult(
            session_id=_sim_id("cs", idempotency_key),
            url=success_url,
            completed=True,
            payment_intent_id=_sim_id("pi", idempotency_key),
            charge_id=_sim_id("ch", idempotency_key),
        )

    def checkout_expire(self, session_id: str) -> bool:
        return False  # simulated sessions are paid the moment they are created

    def payment_intent_charge(self, payment_intent_id: str) -> str:
        return payment_intent_id.replace("sim_pi_", "sim_ch_", 1)

    def transfer_create(self, *, idempotency_key, amount_cents, currency, destination, source_transaction,
                        transfer_group, metadata) -> TransferResult:
        return TransferResult(transfer_id=_sim_id("tr", idempotency_key), amount_cents=amount_cents, currency=currency)

    def refund_create(self, *, idempotency_key, payment_intent_id, amount_cents, metadata) -> RefundResult:
        return RefundResult(refund_id=_sim_id("re", idempotency_key), status="succeeded", amount_cents=amount_cents)

    def account_create(self, *, idempotency_key, email, metadata) -> AccountState:
        # Simulated onboarding has nothing to fill in: the account is ready at once.
        return AccountState(account_id=_sim_id("acct", idempotency_key), payouts_enabled=True, charges_enabled=True,
                            details_submitted=True)

    def account_retrieve(self, account_id: str) -> AccountState:
        return AccountState(account_id=account_id, payouts_enabled=True, charges_enabled=True, details_submitted=True)

    def account_link_create(self, *, account_id, refresh_url, return_url) -> str:
        return return_url

    def payment_intent_retrieve(self, payment_intent_id: str) -> RemoteObject:
        raise GatewayRejected("The simulated gateway keeps no remote objects to reconcile against.", code="not_supported")

    transfer_retrieve = refund_retrieve = payment_intent_retrieve

    def balance_transactions_list(self, *, since: int, until: int) -> list[dict]:
        return []  # no money moves, so there is no balance history to compare

    disputes_list = refunds_list = balance_transactions_list
