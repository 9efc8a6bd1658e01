"""The client's address, the one rule used by audit entries, API throttles and allauth.

`X-Forwarded-For` is a list each proxy appends to; only the entries added by proxies we run
can be trusted. `NUM_PROXIES` (settings, from the environment; default 0) says how many
there are: with 0 (a direct connection, `make run`) the header is ignored entirely and
REMOTE_ADDR is the client; behind the ALB (1) the client is the last entry, the one the ALB
appended. Anything left of that was written by the client and is never used. allauth reads
the same number as ALLAUTH_TRUSTED_PROXY_COUNT and DRF as REST_FRAMEWORK["NUM_PROXIES"].
"""

from django.conf import settings


def client_ip(request) -> str | None:
    if request is None:
        return None
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "NUM_PROXIES", 0)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    # Fewer hops than proxies means the request skipped one of ours: take the first hop
    # that a proxy of ours wrote (the leftmost we have), never a client-written one.
    return hops[-min(proxies, len(hops))] or remote
