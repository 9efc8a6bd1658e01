"""API rate limits: per client IP and per token/user, mutating requests stricter."""

from rest_framework.throttling import SimpleRateThrottle

from .clientip import client_ip

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class _ClientIPMixin:
    """Key per-IP limits on the real client address (core.clientip: NUM_PROXIES), so a
    client cannot pick a fresh X-Forwarded-For per request to escape its bucket."""

    def get_ident(self, request):
        return client_ip(request) or "unknown"


class _ScopedThrottle(_ClientIPMixin, SimpleRateThrottle):
    applies_to_writes: bool
    per_ip: bool

    def allow_request(self, request, view):
        if (request.method not in SAFE_METHODS) != self.applies_to_writes:
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if self.per_ip:
            ident = self.get_ident(request)
        else:
            token = getattr(request, "auth", None)
            if token is not None and hasattr(token, "pk"):
                ident = f"token:{token.pk}"
            elif request.user and request.user.is_authenticated:
                ident = f"user:{request.user.pk}"
            else:
                return None  # anonymous callers are limited by IP only
        return self.cache_format % {"scope": self.scope, "ident": ident}


class IPReadThrottle(_ScopedThrottle):
    scope, applies_to_writes, per_ip = "ip_read", False, True


class IPWriteThrottle(_ScopedThrottle):
    scope, applies_to_writes, per_ip = "ip_write", True, True


class TokenReadThrottle(_ScopedThrottle):
    scope, applies_to_writes, per_ip = "token_read", False, False


class TokenWriteThrottle(_ScopedThrottle):
    scope, applies_to_writes, per_ip = "token_write", True, False


class AuthThrottle(_ClientIPMixin, SimpleRateThrottle):
    """Credential exchange: a brute-force target, limited hard per IP."""

    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
