"""The one small interface every payment gateway implements.

Services never talk to Stripe directly: they call a gateway with plain values (amounts in
cents, our own idempotency keys, our ids in metadata) and get plain dataclasses back, so
the simulated gateway can go through exactly the same rows, ledger entries and state
changes as the real one.
"""

from dataclasses import dataclass, field
from typing import Protocol


class GatewayError(Exception):
    """A provider call failed. `retryable` says whether the same call may be repeated."""

    retryable = False

    def __init__(self, message: str, *, code: str = "", status: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class GatewayUnavailable(GatewayError):
    """Network trouble, timeouts, 429 and 5xx: retry later with the SAME idempotency key."""

    retryable = True


class GatewayRejected(GatewayError):
    """A 4xx: the provider refused the request; repeating it cannot help. Terminal."""

    retryable = False


@dataclass(frozen=True)
class CheckoutResult:
    session_id: str
    url: str
    # Filled only when the gateway completes at once (simulated); Stripe tells us by webhook.
    completed: bool = False
    payment_intent_id: str = ""
    charge_id: str = ""


@dataclass(frozen=True)
class TransferResult:
    transfer_id: str
    amount_cents: int
    currency: str


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    status: str  # "succeeded", "pending", "failed", "canceled", "requires_action"
    amount_cents: int


@dataclass(frozen=True)
class AccountState:
    account_id: str
    payouts_enabled: bool
    charges_enabled: bool = False
    details_submitted: bool = False
    requirements_due: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RemoteObject:
    """What reconciliation compares against: the provider's view of one object."""

    id: str
    amount_cents: int
    currency: str
    status: str
    extra: dict = field(default_factory=dict)


class PaymentGateway(Protocol):
    name: str
    simulated: bool

    def checkout_create(
        self,
        *,
        idempotency_key: str,
        lines: list[tuple[str, int]],
        currency: str,
        transfer_group: str,
        metadata: dict[str, str],
        customer_email: str,
        success_url: str,
        cancel_url: str,
    ) -> CheckoutResult: ...

    def checkout_expire(self, session_id: str) -> bool:
        """Close an unpaid Checkout Session; False if it was already paid (or gone)."""
        ...

    def payment_intent_charge(self, payment_intent_id: str) -> str:
        """The charge id of a succeeded PaymentIntent (Transfers need it as source_transaction)."""
        ...

    def transfer_create(
        self,
        *,
        idempotency_key: str,
        amount_cents: int,
        currency: str,
        destination: str,
        source_transaction: str,
        transfer_group: str,
        metadata: dict[str, str],
    ) -> TransferResult: ...

    def refund_create(
        self, *, idempotency_key: str, payment_intent_id: str, amount_cents: int, metadata: dict[str, str]
    ) -> RefundResult: ...

    def account_create(self, *, idempotency_key: str, email: str, metadata: dict[str, str]) -> AccountState: ...

    def account_retrieve(self, account_id: str) -> AccountState: ...

    def account_link_create(self, *, account_id: str, refresh_url: str, return_url: str) -> str: ...

    def payment_intent_retrieve(self, payment_intent_id: str) -> RemoteObject: ...

    def transfer_retrieve(self, transfer_id: str) -> RemoteObject: ...

    def refund_retrieve(self, refund_id: str) -> RemoteObject: ...

    # Reconciliation reads Stripe's own lists for a period [since, until) in unix seconds,
    # paging through all of it; each item is Stripe's object as a plain dict.
    def balance_transactions_list(self, *, since: int, until: int) -> list[dict]: ...

    def disputes_list(self, *, since: int, until: int) -> list[dict]: ...

    def refunds_list(self, *, since: int, until: int) -> list[dict]: ...
