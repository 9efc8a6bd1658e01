"""One exception class per API error code (API.md: errors), all subclasses of ApiError."""

from __future__ import annotations

from typing import Any


class FairTradeError(Exception):
    """Base of everything this package raises."""


class TransportError(FairTradeError):
    """The server could not be reached (after the retries)."""


class ApiError(FairTradeError):
    status: int
    code: str
    message: str
    fields: dict[str, list[str]]

    def __init__(self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None,
                 headers: dict[str, str] | None = None, body: Any = None):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message
        self.fields = fields or {}
        self.headers = headers or {}
        self.body = body


class ValidationError(ApiError):
    """400 validation_error: `fields` says which input to fix."""


class AuthenticationError(ApiError):
    """401 not_authenticated: missing, invalid, revoked or expired token."""


class PermissionDenied(ApiError):
    """403 permission_denied."""


class EmailUnverified(PermissionDenied):
    """403 email_unverified (POST /auth/token/)."""


class InsufficientScope(PermissionDenied):
    """403 insufficient_scope: the token lacks the scope named in `scope`."""

    @property
    def scope(self) -> str | None:
        parts = self.message.split("'")
        return parts[1] if len(parts) >= 3 else None


class NotFound(ApiError):
    """404 not_found (also for objects you may not see)."""


class MethodNotAllowed(ApiError):
    """405."""


class InvalidState(ApiError):
    """409 invalid_state: the action does not fit the object's current status."""


class Conflict(ApiError):
    """409 conflict: collides with something that exists."""


class IdempotencyKeyInUse(Conflict):
    """409 idempotency_key_in_use: a request with this key is still running; retry later."""


class IdempotencyKeyReused(ApiError):
    """422 idempotency_key_reused: the key was used for a different request."""


class UnsupportedMediaType(ApiError):
    """415."""


class RateLimited(ApiError):
    """429 rate_limited; `retry_after` in seconds."""

    @property
    def retry_after(self) -> float | None:
        value = self.headers.get("retry-after")
        try:
            return float(value) if value is not None else None
        except ValueError:
            return None


class ServerError(ApiError):
    """5xx."""


BY_CODE: dict[str, type[ApiError]] = {
    "validation_error": ValidationError,
    "not_authenticated": AuthenticationError,
    "permission_denied": PermissionDenied,
    "email_unverified": EmailUnverified,
    "insufficient_scope": InsufficientScope,
    "not_found": NotFound,
    "method_not_allowed": MethodNotAllowed,
    "invalid_state": InvalidState,
    "conflict": Conflict,
    "idempotency_key_in_use": IdempotencyKeyInUse,
    "idempotency_key_reused": IdempotencyKeyReused,
    "unsupported_media_type": UnsupportedMediaType,
    "rate_limited": RateLimited,
    "server_error": ServerError,
}
BY_STATUS: dict[int, type[ApiError]] = {
    400: ValidationError, 401: AuthenticationError, 403: PermissionDenied, 404: NotFound, 405: MethodNotAllowed,
    409: Conflict, 415: UnsupportedMediaType, 422: IdempotencyKeyReused, 429: RateLimited,
}


def error_for(status: int, body: Any, headers: dict[str, str]) -> ApiError:
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        code = str(error.get("code", ""))
        cls = BY_CODE.get(code) or BY_STATUS.get(status) or (ServerError if status >= 500 else ApiError)
        return cls(status, code, str(error.get("message", "")), error.get("fields") or {}, headers, body)
    cls = BY_STATUS.get(status) or (ServerError if status >= 500 else ApiError)
    return cls(status, "server_error" if status >= 500 else "error", f"HTTP {status}", None, headers, body)
