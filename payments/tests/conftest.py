import json

import pytest
import stripe

from contracts.tests.factories import contract_for
from payments.gateways import stripe_gateway

from .fakestripe import FakeStripe

WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def fake_stripe(settings, monkeypatch):
    """PAYMENT_GATEWAY=stripe with Stripe faked at the HTTP layer."""
    fake = FakeStripe()
    settings.PAYMENT_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    monkeypatch.setattr(stripe_gateway, "http_client_factory", lambda: fake)
    return fake


@pytest.fixture
def simulated(settings):
    settings.PAYMENT_GATEWAY = "simulated"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


@pytest.fixture
def contract(homeowner, contractor):
    return contract_for(homeowner=homeowner, contractor=contractor)


def sign(payload: str, secret: str = WEBHOOK_SECRET, timestamp=None) -> str:
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)


@pytest.fixture
def deliver(client):
    """deliver(event_dict) -> response of POST /webhooks/stripe/ with a valid signature."""

    def send(event: dict, *, secret: str = WEBHOOK_SECRET, signature: str | None = None):
        payload = json.dumps(event)
        header = signature if signature is not None else sign(payload, secret)
        return client.post("/webhooks/stripe/", data=payload, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=header)

    return send
