"""Stripe through stripe-python's StripeClient, built from settings for each gateway.

Separate charges and transfers: a Checkout Session funds a milestone onto the platform
balance (tagged with the contract's transfer_group), a Transfer with source_transaction
pays the contractor's Express account, a Refund on the PaymentIntent returns money.
Every call that moves money carries the idempotency key derived from our own row, so a
retried task (or a retried HTTP request inside the SDK) can never move money twice.
"""

import stripe
from django.conf import settings

from .base import (
    AccountState,
    CheckoutResult,
    GatewayError,
    GatewayRejected,
    GatewayUnavailable,
    RefundResult,
    RemoteObject,
    TransferResult,
)

# Tests replace this with a fake that speaks Stripe's HTTP API (payments/tests/fakestripe.py).
http_client_factory = None


def build_client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise GatewayRejected("STRIPE_SECRET_KEY is not configured.", code="not_configured")
    http_client = http_client_factory() if http_client_factory else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        http_client=http_client,
        # The SDK retries network errors itself, reusing our idempotency key; Celery retries
        # with backoff on top of that when the SDK gives up.
        max_network_retries=0 if http_client_factory else 2,
    )


def _translate(exc: stripe.StripeError) -> GatewayError:
    status = getattr(exc, "http_status", None)
    code = getattr(exc, "code", None) or ""
    message = getattr(exc, "user_message", None) or str(exc) or exc.__class__.__name__
    if isinstance(exc, stripe.APIConnectionError | stripe.RateLimitError):
        return GatewayUnavailable(message, code=code or "network", status=status)
    if isinstance(exc, stripe.IdempotencyError):
        # Same key, different parameters: a bug on our side, never retry blindly.
        return GatewayRejected(message, code="idempotency_error", status=status)
    if status is None or status >= 500 or status == 409:
        return GatewayUnavailable(message, code=code or "server_error", status=status)
    return GatewayRejected(message, code=code or "rejected", status=status)


def _account_state(account) -> AccountState:
    requirements = account.get("requirements") or {}
    due = list(requirements.get("past_due") or []) + list(requirements.get("currently_due") or [])
    return AccountState(
        account_id=account["id"],
        payouts_enabled=bool(account.get("payouts_enabled")),
        charges_enabled=bool(account.get("charges_enabled")),
        details_submitted=bool(account.get("details_submitted")),
        requirements_due=sorted(set(due)),
    )


class StripeGateway:
    name = "stripe"
    simulated = False

    def __init__(self, client: stripe.StripeClient | None = None):
        self._client = client

    @property
    def client(self) -> stripe.StripeClient:
        if self._client is None:
            self._client = build_client()
        return self._client

    def _call(self, fn, *args, **kwargs) -> dict:
        try:
            # StripeObject is not a dict in stripe-python 16: work with plain dicts.
            return fn(*args, **kwargs).to_dict()
        except stripe.StripeError as exc:
            raise _translate(exc) from exc

    def checkout_create(self, *, idempotency_key, lines, currency, transfer_group, metadata, customer_email,
                        success_url, cancel_url) -> CheckoutResult:
        params = {
            "mode": "payment",
            "line_items": [
                {"quantity": 1, "price_data": {"currency": currency, "unit_amount": amount, "product_data": {"name": name}}}
                for name, amount in lines
            ],
            "payment_intent_data": {"transfer_group": transfer_group, "metadata": metadata},
            "metadata": metadata,
            "client_reference_id": metadata.get("payment_id", ""),
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        if customer_email:
            params["customer_email"] = customer_email
        session = self._call(
            self.client.v1.checkout.sessions.create, params=params, options={"idempotency_key": idempotency_key}
        )
        return CheckoutResult(session_id=session["id"], url=session.get("url") or "")

    def checkout_expire(self, session_id: str) -> bool:
        session = self._call(self.client.v1.checkout.sessions.retrieve, session_id)
        if session.get("status") == "expired":
            return True
        if session.get("status") != "open":
            return False
        session = self._call(self.client.v1.checkout.sessions.expire, session_id)
        return session.get("status") == "expired"

    def payment_intent_charge(self, payment_intent_id: str) -> str:
        intent = self._call(self.client.v1.payment_intents.retrieve, payment_intent_id)
        charge = intent.get("latest_charge") or ""
        return charge if isinstance(charge, str) else charge["id"]

    def transfer_create(self, *, idempotency_key, amount_cents, currency, destination, source_transaction,
                        transfer_group, metadata) -> TransferResult:
        transfer = self._call(
            self.client.v1.transfers.create,
            params={
                "amount": amount_cents,
                "currency": currency,
                "destination": destination,
                "source_transaction": source_transaction,
                "transfer_group": transfer_group,
                "metadata": metadata,
            },
            options={"idempotency_key": idempotency_key},
        )
        return TransferResult(transfer_id=transfer["id"], amount_cents=transfer["amount"], currency=transfer["currency"])

    def refund_create(self, *, idempotency_key, payment_intent_id, amount_cents, metadata) -> RefundResult:
        refund = self._call(
            self.client.v1.refunds.create,
            params={"payment_intent": payment_intent_id, "amount": amount_cents, "metadata": metadata},
            options={"idempotency_key": idempotency_key},
        )
        return RefundResult(refund_id=refund["id"], status=refund["status"], amount_cents=refund["amount"])

    def account_create(self, *, idempotency_key, email, metadata) -> AccountState:
        account = self._call(
            self.client.v1.accounts.create,
            params={
                "type": "express",
                "country": "US",
                "email": email,
                "capabilities": {"transfers": {"requested": True}},
                "business_profile": {"product_description": "Home-improvement work paid through FairTradeWorker"},
                "metadata": metadata,
            },
            options={"idempotency_key": idempotency_key},
        )
        return _account_state(account)

    def account_retrieve(self, account_id: str) -> AccountState:
        return _account_state(self._call(self.client.v1.accounts.retrieve, account_id))

    def account_link_create(self, *, account_id, refresh_url, return_url) -> str:
        link = self._call(
            self.client.v1.account_links.create,
            params={"account": account_id, "refresh_url": refresh_url, "return_url": return_url,
                    "type": "account_onboarding"},
        )
        return link["url"]

    def payment_intent_retrieve(self, payment_intent_id: str) -> RemoteObject:
        intent = self._call(self.client.v1.payment_intents.retrieve, payment_intent_id)
        return RemoteObject(
            id=intent["id"], amount_cents=intent.get("amount_received") or 0, currency=intent["currency"],
            status=intent["status"], extra={"transfer_group": intent.get("transfer_group") or ""},
        )

    def transfer_retrieve(self, transfer_id: str) -> RemoteObject:
        transfer = self._call(self.client.v1.transfers.retrieve, transfer_id)
        reversed_cents = transfer.get("amount_reversed") or 0
        return RemoteObject(
            id=transfer["id"], amount_cents=transfer["amount"], currency=transfer["currency"],
            status="reversed" if transfer.get("reversed") else ("partially_reversed" if reversed_cents else "paid"),
            extra={"destination": transfer.get("destination") or "", "amount_reversed": reversed_cents},
        )

    def refund_retrieve(self, refund_id: str) -> RemoteObject:
        refund = self._call(self.client.v1.refunds.retrieve, refund_id)
        return RemoteObject(id=refund["id"], amount_cents=refund["amount"], currency=refund["currency"],
                            status=refund["status"])

    # --- lists, for reconciliation ---------------------------------------------------------
    def _list_all(self, fn, params: dict, *, max_pages: int = 1000):
        """Every object of a Stripe list, newest first, following `starting_after` cursors."""
        params = {"limit": 100, **params}
        for _ in range(max_pages):
            page = self._call(fn, params=params)
            rows = page.get("data") or []
            yield from rows
            if not page.get("has_more") or not rows:
                return
            params = {**params, "starting_after": rows[-1]["id"]}
        raise GatewayError(f"More than {max_pages} pages of {fn.__qualname__}; narrow the period.", code="too_many")

    def balance_transactions_list(self, *, since: int, until: int) -> list[dict]:
        """The balance history of [since, until) (unix seconds), each source expanded so a
        charge names its PaymentIntent."""
        return list(self._list_all(self.client.v1.balance_transactions.list,
                                   {"created": {"gte": since, "lt": until}, "expand": ["data.source"]}))

    def disputes_list(self, *, since: int, until: int) -> list[dict]:
        return list(self._list_all(self.client.v1.disputes.list, {"created": {"gte": since, "lt": until}}))

    def refunds_list(self, *, since: int, until: int) -> list[dict]:
        return list(self._list_all(self.client.v1.refunds.list, {"created": {"gte": since, "lt": until}}))
