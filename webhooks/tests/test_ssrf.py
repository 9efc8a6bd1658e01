"""Production rules for targets (WEBHOOKS_ALLOW_PRIVATE_NETWORKS off): https only, no private,
loopback or link-local address, checked on the address actually connected to."""

import socket

import pytest

from core.exceptions import ValidationFailed
from webhooks import services, transport

pytestmark = pytest.mark.django_db

REFUSED_URLS = [
    "http://hooks.partner.example/in",  # plain http
    "ftp://hooks.partner.example/in",
    "https://127.0.0.1/in",
    "https://localhost/in",
    "https://[::1]/in",
    "https://10.0.0.5/in",
    "https://172.16.3.4/in",
    "https://192.168.1.10/in",
    "https://169.254.169.254/latest/meta-data/",  # cloud metadata
    "https://[fe80::1]/in",
    "https://[::ffff:127.0.0.1]/in",  # IPv4-mapped loopback
    "https://0.0.0.0/in",
    "https://user:pw@hooks.partner.example/in",
]


@pytest.fixture
def production_rules(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_registration_refuses(url, homeowner, production_rules):
    with pytest.raises(ValidationFailed) as refused:
        services.endpoint_create(actor=homeowner, url=url, event_types=["job.published"])
    assert "url" in refused.value.fields


def test_registration_accepts_public_https(homeowner, production_rules):
    endpoint, secret = services.endpoint_create(actor=homeowner, url="https://hooks.partner.example/in",
                                                event_types=["job.published"])
    assert endpoint.url == "https://hooks.partner.example/in" and secret.startswith("whsec_")


def _resolves_to(monkeypatch, *addresses):
    def fake(host, port, *args, **kwargs):
        family = socket.AF_INET6 if ":" in addresses[0] else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    monkeypatch.setattr(transport.socket, "getaddrinfo", fake)


@pytest.mark.parametrize("addresses", [("127.0.0.1",), ("10.1.2.3",), ("169.254.169.254",), ("93.184.216.34", "192.168.0.7"),
                                       ("::1",), ("fd00::1",)])
def test_delivery_refuses_a_name_that_resolves_to_a_private_address(addresses, monkeypatch, production_rules, receiver):
    """DNS rebinding: the name was fine at registration; at delivery it points inside."""
    _resolves_to(monkeypatch, *addresses)
    result = transport.post("https://hooks.partner.example/in", b"{}", {})
    assert result.status is None and result.error.startswith("refused:")
    assert receiver.requests == []


def test_the_connection_goes_to_the_checked_address(monkeypatch, settings, receiver):
    """Development mode: the name resolves (through our own lookup) to the loopback receiver,
    and the request is sent there with the original Host header."""
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True
    _resolves_to(monkeypatch, "127.0.0.1")
    port = receiver.url.split(":")[2].split("/")[0]
    result = transport.post(f"http://localhost:{port}/hooks", b"{}", {"webhook-id": "msg_x"})
    assert result.status == 200
    assert receiver.requests[0].headers["Host"] == f"localhost:{port}"


def test_a_refused_delivery_is_logged_and_retried(homeowner, receiver, settings, monkeypatch):
    endpoint, _ = services.endpoint_create(actor=homeowner, url="https://hooks.partner.example/in",
                                           event_types=["job.published"])
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    _resolves_to(monkeypatch, "10.0.0.8")
    from jobs.tests.factories import JobFactory
    from webhooks.models import WebhookMessage

    job = JobFactory(homeowner=homeowner)
    message = WebhookMessage.objects.create(endpoint=endpoint, msg_id=services.new_msg_id(), event_type="job.published",
                                            payload=services.envelope("job.published", {"job": {"id": str(job.pk)}}),
                                            next_attempt_at=job.created_at)
    attempt = services.message_attempt(message.pk)
    assert attempt.response_status is None and "private" in attempt.error
    message.refresh_from_db()
    assert message.status == "pending" and message.attempt_count == 1


def test_production_settings_refuse_private_networks():
    import subprocess
    import sys

    env = {
        "DJANGO_SETTINGS_MODULE": "fairtrade.settings.production", "SECRET_KEY": "x" * 60,
        "DATABASE_URL": "postgres://u:p@db:5432/f", "REDIS_URL": "redis://r:6379/0", "PAYMENT_GATEWAY": "stripe",
        "STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_WEBHOOK_SECRET": "whsec_x", "SITE_URL": "https://example.com",
        "ALLOWED_HOSTS": "example.com", "WEBHOOKS_ALLOW_PRIVATE_NETWORKS": "true", "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0 and "WEBHOOKS_ALLOW_PRIVATE_NETWORKS must be off" in done.stderr
