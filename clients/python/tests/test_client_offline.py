"""verify_webhook and the error mapping, without a server."""

import json
import time

import pytest

from fairtrade_client import WebhookVerificationError, errors, verify_webhook
from fairtrade_client.webhooks import sign

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def _headers(body: bytes, *, ts=None, secret=SECRET, msg_id="msg_1"):
    ts = int(time.time()) if ts is None else ts
    return {"Webhook-Id": msg_id, "Webhook-Timestamp": str(ts), "Webhook-Signature": sign(secret, msg_id, ts, body)}


def test_verifies_and_parses():
    body = json.dumps({"type": "job.published", "data": {}}).encode()
    assert verify_webhook(_headers(body), body, SECRET)["type"] == "job.published"


@pytest.mark.parametrize("tamper", ["body", "secret", "old", "missing"])
def test_rejects(tamper):
    body = b'{"type":"x"}'
    headers = _headers(body)
    if tamper == "body":
        body = b'{"type":"y"}'
    elif tamper == "secret":
        headers = _headers(body, secret="whsec_" + "A" * 32)
    elif tamper == "old":
        headers = _headers(body, ts=int(time.time()) - 600)
    else:
        headers.pop("Webhook-Signature")
    with pytest.raises(WebhookVerificationError):
        verify_webhook(headers, body, SECRET)


def test_standard_webhooks_reference_vector():
    """The example from the Standard Webhooks specification's reference libraries."""
    msg_id, ts = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330
    body = b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert sign(SECRET, msg_id, ts, body) == expected
    headers = {"webhook-id": msg_id, "webhook-timestamp": str(ts), "webhook-signature": f"v1,bad {expected}"}
    assert verify_webhook(headers, body, SECRET, now=ts + 10) == {"test": 2432232314, "webhook_id": msg_id}


def test_error_classes_by_code():
    error = errors.error_for(403, {"error": {"code": "insufficient_scope",
                                             "message": "This token lacks the 'jobs:write' scope."}}, {})
    assert isinstance(error, errors.InsufficientScope) and isinstance(error, errors.PermissionDenied)
    assert error.scope == "jobs:write"
    assert isinstance(errors.error_for(409, {"error": {"code": "idempotency_key_in_use", "message": ""}}, {}),
                      errors.IdempotencyKeyInUse)
    assert isinstance(errors.error_for(502, None, {}), errors.ServerError)
