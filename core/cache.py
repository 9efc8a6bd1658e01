"""The cache must never take the site down: Redis fails open, and anonymous pages are cached
briefly with explicit invalidation.

`FailOpenRedisCache` is Django's Redis backend whose every operation survives Redis being
unreachable: reads miss, writes are dropped, counters start again. Consumers (the API rate
limiter, allauth's login rate limit, cached pages, readiness aside) therefore keep answering;
rate limiting is off while Redis is down, which is the lesser evil than refusing every
request. Each outage is logged as a warning and reported to Sentry, at most once a minute
per process so an outage does not flood either.
"""

import hashlib
import logging
import threading
import time
from functools import wraps

import sentry_sdk
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.http import HttpResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("core.cache")

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
REPORT_EVERY_SECONDS = 60.0
# After a failure, skip Redis for this long: each refused connection costs milliseconds
# and a page makes several cache calls. A short pause, so recovery is noticed quickly.
RETRY_AFTER_SECONDS = 2.0
_last_report = {"at": 0.0}
_circuit = {"open_until": 0.0}
_report_lock = threading.Lock()


def report_outage(operation: str, exc: BaseException) -> None:
    """Warn (log + Sentry) that the cache failed open; throttled per process."""
    now = time.monotonic()
    _circuit["open_until"] = now + RETRY_AFTER_SECONDS
    with _report_lock:
        if now - _last_report["at"] < REPORT_EVERY_SECONDS:
            return
        _last_report["at"] = now
    logger.warning("cache unavailable (%s: %s); failing open: no caching or rate limiting", operation, exc)
    sentry_sdk.capture_message(f"Cache unavailable, failing open ({type(exc).__name__})", level="warning")


def _fail_open(default):
    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            if _circuit["open_until"] > time.monotonic():
                return default() if callable(default) else default
            try:
                return method(self, *args, **kwargs)
            except OUTAGE_ERRORS as exc:
                report_outage(method.__name__, exc)
                return default() if callable(default) else default

        return wrapper

    return decorate


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's client makes a new `redis.Redis` for every cache call, and building one (its
    table of ~170 response callbacks) costs about twice a GET's round trip on this machine:
    ~0.2 ms, several times per page. One client per connection pool serves every call
    instead; redis-py clients are safe to share between threads (each command takes its own
    connection from the pool) and the pool reconnects after a fork."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            # Two threads may both build one here; either serves, and the dict keeps one.
            client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client


class FailOpenRedisCache(RedisCache):
    """RedisCache whose reads miss and writes are dropped while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    # add() is how callers take locks (allauth's rate limiter): failing open means "taken".
    add = _fail_open(True)(RedisCache.add)
    set = _fail_open(None)(RedisCache.set)
    touch = _fail_open(False)(RedisCache.touch)
    delete = _fail_open(False)(RedisCache.delete)
    get_many = _fail_open(dict)(RedisCache.get_many)
    has_key = _fail_open(False)(RedisCache.has_key)
    set_many = _fail_open(list)(RedisCache.set_many)
    delete_many = _fail_open(None)(RedisCache.delete_many)
    clear = _fail_open(False)(RedisCache.clear)

    @_fail_open(0)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    def get(self, key, default=None, version=None):
        if _circuit["open_until"] > time.monotonic():
            return default
        try:
            return super().get(key, default, version)
        except OUTAGE_ERRORS as exc:
            report_outage("get", exc)
            return default


# --- Short-lived pages for anonymous visitors -----------------------------------------
def _version_key(namespace):
    return f"pagecache:{namespace}:version"


def _additions_key(namespace):
    return f"pagecache:{namespace}:additions"


def invalidate_pages(namespace: str) -> None:
    """Every cached page of `namespace` is stale from now on (a new version in the key)."""
    cache.set(_version_key(namespace), time.time_ns(), timeout=None)


def note_addition(namespace: str) -> None:
    """Something new joined what the namespace's pages list (a job published): pages older
    than the namespace's `additions_grace` are stale, younger ones may still be served. An
    addition hides nothing and misleads no one for those seconds; a change or a removal
    must use invalidate_pages, which takes effect at once."""
    cache.set(_additions_key(namespace), time.time_ns(), timeout=None)


def _cacheable_request(request) -> bool:
    if request.method != "GET" or getattr(request, "htmx", False):
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    # A pending flash message belongs to this visitor only (cookie or session storage).
    if "messages" in request.COOKIES:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and request.COOKIES.get("sessionid") and session.get("_messages"))


def anonymous_page_cache(namespace: str, timeout: int = 30, scope_kwarg: str | None = None,
                         additions_grace: int = 0):
    """Cache a view's HTML for signed-out visitors only, keyed by the full URL and the
    namespace's version. Signed-in people always get a fresh, personal page; a response that
    used the CSRF token, set a cookie or is not a 200 is never stored (it would be someone's).

    With `scope_kwarg` each object has its own namespace (`jobs:<pk>`): a question on one job
    makes that job's page stale, not the 100,000 others. The page is stored with the versions
    it was built at and all are read in one round trip.

    With `additions_grace` (seconds), note_addition() makes a page stale only once it is that
    old: on the board, every new job used to empty the cache of every search and filter page
    (about one a second under load), so most of them were rebuilt for each visitor."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            scope = f"{namespace}:{kwargs[scope_kwarg]}" if scope_kwarg else namespace
            shelf = SharedPages(scope, timeout, additions_grace)
            key = shelf.key(request.get_full_path())
            cached, stamp = shelf.lookup(key)
            if cached is not None:
                response = HttpResponse(cached, content_type="text/html; charset=utf-8")
                response["X-Page-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not getattr(response, "streaming", False)
                and not response.cookies
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                and not request.META.get("CSRF_COOKIE_USED")
            ):
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                shelf.store(key, stamp, response.content)
                response["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorate


class SharedPages:
    """What everyone who asks the same question gets, stored with the namespace's versions
    (invalidate_pages, note_addition) and read with them in one round trip. The caller
    decides who may share a copy: anonymous_page_cache for signed-out visitors' HTML, the
    API's job listing for every caller who sees those jobs as the public does."""

    def __init__(self, scope: str, timeout: int, additions_grace: int = 0):
        self.scope, self.timeout, self.additions_grace = scope, timeout, additions_grace

    def key(self, what: str) -> str:
        return f"pagecache:{self.scope}:{hashlib.sha256(what.encode()).hexdigest()[:32]}"

    def lookup(self, key: str):
        """(the stored payload or None when missing or stale, the versions to store a new one with)."""
        version_key, additions_key = _version_key(self.scope), _additions_key(self.scope)
        found = cache.get_many([version_key, additions_key, key])
        version, additions, cached = found.get(version_key) or 0, found.get(additions_key) or 0, found.get(key)
        payload = cached[3] if _fresh(cached, version, additions, self.additions_grace) else None
        return payload, (version, additions)

    def store(self, key: str, stamp, payload) -> None:
        """Store what was built at `stamp` (from lookup): a change announced meanwhile still makes it stale."""
        version, additions = stamp
        cache.set(key, (version, additions, time.time_ns(), payload), timeout=self.timeout)


def _fresh(cached, version, additions, grace_seconds) -> bool:
    if not (isinstance(cached, tuple) and len(cached) == 4 and cached[0] == version):
        return False
    built_additions, built_at = cached[1], cached[2]
    return built_additions == additions or time.time_ns() - built_at < grace_seconds * 1_000_000_000
