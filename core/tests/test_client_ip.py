"""Rate limits key on the real client address (ASVS 2.2.1, 11.1.4): X-Forwarded-For is only
trusted for the NUM_PROXIES hops our own proxies append."""

import pytest
from allauth.core.internal.httpkit import get_client_ip as allauth_client_ip
from django.conf import settings

import audit
from core.clientip import client_ip

pytestmark = pytest.mark.django_db


def _spray(api_client, count, **extra):
    codes = []
    for n in range(count):
        response = api_client.post(
            "/api/v1/auth/token/",
            {"email": f"victim{n}@example.test", "password": "Spring2026!"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            **extra,
        )
        codes.append(response.status_code)
    return codes


def test_direct_connection_ignores_forged_forwarded_for(api_client, settings):
    settings.NUM_PROXIES = 0
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    codes = _spray(api_client, 15)
    # API_RATE_AUTH is 10/min per IP: a fresh header per request does not buy more tries.
    assert codes[:10] == [400] * 10
    assert codes[10:] == [429] * 5


def test_behind_one_proxy_the_hop_it_appended_is_the_client(api_client, settings):
    settings.NUM_PROXIES = 1
    codes = []
    for n in range(12):
        response = api_client.post(
            "/api/v1/auth/token/",
            {"email": f"victim{n}@example.test", "password": "Spring2026!"},
            format="json",
            # The client forges the left part; the ALB appends the address it saw.
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.7",
        )
        codes.append(response.status_code)
    assert codes[:10] == [400] * 10 and codes[10:] == [429] * 2
    # Another real client behind the same proxy has its own bucket.
    other = api_client.post(
        "/api/v1/auth/token/", {"email": "x@example.test", "password": "nope"}, format="json",
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert other.status_code == 400


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "192.0.2.1"),
        (0, "", "192.0.2.1"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.5", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),
    ],
)
def test_one_rule_for_audit_throttles_and_allauth(rf, settings, proxies, forwarded, expected):
    settings.NUM_PROXIES = proxies
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", **extra)
    assert client_ip(request) == expected
    assert audit.record(None, "probe", None, request).ip_address == expected
    if proxies <= len([h for h in forwarded.split(",") if h.strip()]) or not forwarded:
        assert allauth_client_ip(request) == expected


def test_settings_share_one_proxy_count():
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.NUM_PROXIES == settings.ALLAUTH_TRUSTED_PROXY_COUNT
