"""Errors raised by services. Views and the API turn them into messages and JSON."""


class ApplicationError(Exception):
    code = "validation_error"
    status_code = 400

    def __init__(self, message: str, *, fields: dict | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class ValidationFailed(ApplicationError):
    code = "validation_error"
    status_code = 400


class InvalidState(ApplicationError):
    """The action does not fit the object's current status."""

    code = "invalid_state"
    status_code = 409


class Conflict(ApplicationError):
    """The action collides with something that already exists (a second bid, ...)."""

    code = "conflict"
    status_code = 409


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    status_code = 403


class RateLimited(ApplicationError):
    """Too many of one action in a window (the API answers 429 with Retry-After)."""

    code = "rate_limited"
    status_code = 429

    def __init__(self, message: str, *, retry_after: int | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
