"""Absolute links to this site, built in one place from SITE_URL.

Every link that leaves the request (emails, SMS, in-app notification links served by the
API, Stripe return URLs, allauth's verification and reset links) goes through here, so the
site is always the one the person uses: `make run` sets SITE_URL from PORT, production
sets the public https address. The request's Host header is never used: behind a proxy it
may be an internal address, and trusting it would let a forged Host poison reset links.
"""

from django.conf import settings
from django.urls import reverse

from core.reversing import reverse_uuids


def absolute_url(path: str) -> str:
    """SITE_URL + path; a full http(s) URL is returned unchanged, an empty path stays empty."""
    if not path:
        return ""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL.rstrip('/')}/{path.lstrip('/')}"


def absolute_reverse(viewname: str, *args, query: str = "", **kwargs) -> str:
    url = absolute_url(reverse(viewname, kwargs=kwargs) if kwargs else reverse_uuids(viewname, args))
    return f"{url}?{query}" if query else url
