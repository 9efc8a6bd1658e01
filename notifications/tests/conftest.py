import pytest


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://fairtrade.example"
    settings.SMS_BACKEND = "console"
