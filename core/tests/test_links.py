"""Links point at the site the person uses: SITE_URL, set by `make run` from PORT, is the one
base of every absolute link (core.links), whatever Host the request came with."""

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.core import mail

import payments.tests.conftest as money_fixtures
from notifications.models import NotificationDelivery
from notifications.services import notify
from notifications.tests.samples import SAMPLES
from payments import services as payment_services

fake_stripe = money_fixtures.fake_stripe
SITE = "http://127.0.0.1:8741"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def port_8741(settings):
    settings.SITE_URL = SITE


def _make_site_url(**env) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | env
    out = subprocess.run(["make", "-s", "--no-print-directory", "--eval", 'show-site-url: ; @echo "$$SITE_URL"',
                          "show-site-url", *[f"{k}={v}" for k, v in env.items() if k == "PORT"]],
                         cwd=REPO, env=clean, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_make_run_sets_site_url_from_port():
    assert _make_site_url(PORT="8741") == SITE
    assert _make_site_url() == "http://127.0.0.1:8000"
    assert _make_site_url(PORT="8741", SITE_URL="https://fairtrade.example") == "https://fairtrade.example"


@pytest.mark.django_db
def test_notification_links_and_unsubscribe_use_site_url(port_8741, homeowner):
    notify("bid.received", [homeowner], SAMPLES["bid.received"])
    email = NotificationDelivery.objects.get(recipient=homeowner, channel="email")
    links = set(re.findall(r"https?://[^\s\"'<>]+", email.body_text + email.body_html))
    assert f"{SITE}/jobs/abc/" in links
    assert any(link.startswith(f"{SITE}/notifications/unsubscribe/") for link in links)
    assert all(link.startswith(SITE) for link in links), links


@pytest.mark.django_db
def test_api_notification_url_is_absolute_on_site_url(port_8741, homeowner, api_as):
    notify("bid.received", [homeowner], SAMPLES["bid.received"])
    body = api_as(homeowner).get("/api/v1/notifications/", HTTP_HOST="testserver").json()
    assert body["results"][0]["url"] == f"{SITE}/jobs/abc/"


@pytest.mark.django_db
def test_payout_onboarding_return_url_uses_site_url(port_8741, fake_stripe, contractor):
    payment_services.onboarding_link(actor=contractor)
    [call] = fake_stripe.calls("POST", "/v1/account_links")
    assert call.params["return_url"] == f"{SITE}/payouts/?onboarding=returned"
    assert call.params["refresh_url"] == f"{SITE}/payouts/onboarding/refresh/"


@pytest.mark.django_db
def test_allauth_emails_link_to_site_url_not_the_request_host(port_8741, client, homeowner):
    client.post("/accounts/signup/", {"full_name": "Nina Novak", "email": "nina@example.test", "role": "homeowner",
                                      "password1": "a-Long-and-unusual-passphrase-42",
                                      "password2": "a-Long-and-unusual-passphrase-42"}, HTTP_HOST="localhost")
    assert f"{SITE}/accounts/confirm-email/" in mail.outbox[-1].body
    client.post("/accounts/password/reset/", {"email": homeowner.email}, HTTP_HOST="localhost")
    assert f"{SITE}/accounts/password/reset/key/" in mail.outbox[-1].body
    client.post("/accounts/password/reset/", {"email": "nobody@example.test"}, HTTP_HOST="localhost")
    body = mail.outbox[-1].body
    assert "localhost" not in body and SITE in body
