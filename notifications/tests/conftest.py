import pytest

from notifications import sms

from .fakes import FakeTwilioHttp


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://fairtrade.example"
    settings.SMS_BACKEND = "console"


@pytest.fixture
def twilio(settings, monkeypatch):
    """Switch SMS to the real Twilio backend, with Twilio's HTTP layer faked."""
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC" + "0" * 32
    settings.TWILIO_AUTH_TOKEN = "test-auth-token"
    settings.TWILIO_FROM_NUMBER = "+15125550000"
    fake = FakeTwilioHttp()
    monkeypatch.setattr(sms, "twilio_http_client", lambda: fake)
    return fake
