"""API rate limits: per client IP and per token/user, mutating requests stricter."""

import math

from rest_framework.throttling import SimpleRateThrottle

from .clientip import client_ip

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class _ClientIPMixin:
    """Key per-IP limits on the real client address (core.clientip: NUM_PROXIES), so a
    client cannot pick a fresh X-Forwarded-For per request to escape its bucket."""

    def get_ident(self, request):
        return client_ip(request) or "unknown"


class _CountingThrottle(SimpleRateThrottle):
    """A sliding-window counter instead of DRF's list of timestamps: two counters per key
    (this window and the last), an atomic increment and one read per request. DRF's list is
    read, edited and written back whole on every request, so parallel requests overwrite each
    other's entries (a client could exceed its limit), and its cost grows with the limit.

    Estimate = last window's count × the part of it still inside the sliding window + this
    window's count. A refused request is taken back out: it does not count against the next.
    With the cache unreachable every call fails open (FailOpenRedisCache): requests pass."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        current_key = f"{self.key}:{window}"
        current = self._increment(current_key)
        previous = self.cache.get(f"{self.key}:{window - 1}") or 0
        elapsed = self.now / self.duration - window  # share of this window gone, 0..1
        if previous * (1 - elapsed) + current <= self.num_requests:
            return True
        if current > 1:
            self.cache.decr(current_key)
        else:
            self.cache.delete(current_key)
        self._refused = (previous, current - 1, elapsed)
        return False

    def _increment(self, key) -> int:
        # Both windows must outlive the next one; add() then incr() keeps it atomic.
        if self.cache.add(key, 1, timeout=self.duration * 2 + 1):
            return 1
        try:
            return self.cache.incr(key)
        except ValueError:  # expired between the two calls
            self.cache.add(key, 1, timeout=self.duration * 2 + 1)
            return 1

    def wait(self):
        """Seconds until one more request fits (the Retry-After header)."""
        previous, current, elapsed = getattr(self, "_refused", (0, 0, 0.0))
        room = self.num_requests - 1  # the estimate must fall to this for the next request to pass
        if previous and current <= room:
            # Still in this window: the last window's share shrinks until it makes room.
            share_needed = (room - current) / previous
            return _whole_seconds(((1 - share_needed) - elapsed) * self.duration)
        # This window alone is over the limit: wait for it to end, then for it to shrink.
        share_needed = room / current if current else 1
        return _whole_seconds(((1 - elapsed) + (1 - share_needed)) * self.duration)


def _whole_seconds(seconds: float) -> int:
    return max(1, math.ceil(round(seconds, 6)))  # 5.000000001 s of float error is 5 s


class _ScopedThrottle(_ClientIPMixin, _CountingThrottle):
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


class AuthThrottle(_ClientIPMixin, _CountingThrottle):
    """Credential exchange: a brute-force target, limited hard per IP."""

    scope = "auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
