"""Pick the configured gateway. Services call `get_gateway()`; tests swap the HTTP layer."""

from django.conf import settings

from .base import (
    AccountState,
    CheckoutResult,
    GatewayError,
    GatewayRejected,
    GatewayUnavailable,
    PaymentGateway,
    RefundResult,
    RemoteObject,
    TransferResult,
)

__all__ = [
    "AccountState", "CheckoutResult", "GatewayError", "GatewayRejected", "GatewayUnavailable", "PaymentGateway",
    "RefundResult", "RemoteObject", "TransferResult", "get_gateway",
]


def get_gateway() -> PaymentGateway:
    if settings.PAYMENT_GATEWAY == "stripe":
        from .stripe_gateway import StripeGateway

        return StripeGateway()
    if settings.PAYMENT_GATEWAY == "simulated":
        from .simulated import SimulatedGateway

        return SimulatedGateway()
    raise GatewayRejected(f"Unknown PAYMENT_GATEWAY {settings.PAYMENT_GATEWAY!r}.", code="not_configured")
