"""Verify Standard Webhooks signatures from FairTradeWorker (or any Standard Webhooks sender)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

from .errors import FairTradeError

TOLERANCE_SECONDS = 5 * 60


class WebhookVerificationError(FairTradeError):
    """The signature, timestamp or headers are wrong: reject the request (answer 400)."""


def _secret_bytes(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(_secret_bytes(secret), signed, hashlib.sha256).digest()).decode()


def verify_webhook(headers: Mapping[str, str], body: bytes | str, secret: str, *,
                   tolerance: int = TOLERANCE_SECONDS, now: float | None = None) -> dict[str, Any]:
    """Check `webhook-signature` against the raw body and return the parsed event.

    headers: the request headers (any case); body: the raw bytes as received (do not re-encode
    parsed JSON); secret: the endpoint's `whsec_...`. Raises WebhookVerificationError.
    The event's `webhook-id` (also returned as event["webhook_id"]) is the same on every retry:
    use it to process each event once.
    """
    lower = {k.lower(): v for k, v in headers.items()}
    msg_id, timestamp, signatures = (lower.get("webhook-id"), lower.get("webhook-timestamp"),
                                     lower.get("webhook-signature"))
    if not msg_id or not timestamp or not signatures:
        raise WebhookVerificationError("Missing webhook-id, webhook-timestamp or webhook-signature header.")
    try:
        sent_at = int(timestamp)
    except ValueError as exc:
        raise WebhookVerificationError("Invalid webhook-timestamp.") from exc
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance:
        raise WebhookVerificationError("Timestamp outside the tolerance window (replayed or clock skew).")
    raw = body.encode() if isinstance(body, str) else body
    try:
        expected = sign(secret, msg_id, sent_at, raw).split(",", 1)[1]
    except (ValueError, TypeError) as exc:
        raise WebhookVerificationError("The secret is not a valid whsec_ secret.") from exc
    for candidate in signatures.split(" "):
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            event = json.loads(raw)
            if isinstance(event, dict):
                event["webhook_id"] = msg_id
            return event
    raise WebhookVerificationError("No matching signature.")
