"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

    webhook-id:        msg_<uuid hex>         (same on every retry: the receiver's dedup key)
    webhook-timestamp: unix seconds           (of this attempt)
    webhook-signature: v1,<base64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}"))>

The secret is `whsec_` + base64 of 32 random bytes; the HMAC key is those bytes. During the
24 hours after a rotation a message is signed with both secrets (space-separated
signatures), so a receiver still holding the old secret verifies it.
"""

import base64
import hashlib
import hmac
import secrets as _secrets

PREFIX = "whsec_"


def generate_secret() -> str:
    return PREFIX + base64.b64encode(_secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, msg_id: str, timestamp: int, body: str | bytes) -> str:
    if isinstance(body, str):
        body = body.encode()
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()


def headers(secrets: list[str], msg_id: str, timestamp: int, body: str | bytes) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, msg_id, timestamp, body) for s in secrets),
    }
