import hashlib
import secrets

TOKEN_PREFIX = "ftw_"  # the public prefix of every token, not a secret  # nosec B105


def generate_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(raw: str) -> str:
    # The secret carries 256 bits of entropy, so a fast hash is enough: nobody can
    # enumerate the input space, and lookups stay a single indexed equality.
    return hashlib.sha256(raw.encode()).hexdigest()
