"""An exception in a view reaches Sentry (through a fake transport) with the user id only."""

import pytest
import sentry_sdk
from django.urls import path
from sentry_sdk.transport import Transport

from core.observability import init_sentry


class RecordingTransport(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)

    def events(self):
        return [item.payload.json for env in self.envelopes for item in env.items if item.type == "event"]


def boom(request):
    raise RuntimeError("kaboom from a view")


urlpatterns = [path("boom/", boom)]


@pytest.fixture
def sentry_transport():
    transport = RecordingTransport()
    init_sentry(dsn="https://public@sentry.example/1", environment="test", traces_sample_rate=0.0, release="t", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: reporting off again for the other tests


def test_no_dsn_means_no_sentry():
    assert init_sentry(dsn="", environment="x", traces_sample_rate=0.1, release=None) is False


@pytest.mark.django_db
@pytest.mark.urls("core.tests.test_sentry")
def test_view_exception_reaches_sentry_without_pii(client, homeowner, sentry_transport):
    client.raise_request_exception = False
    client.force_login(homeowner)
    response = client.get("/boom/")
    assert response.status_code == 500
    sentry_sdk.flush()
    events = sentry_transport.events()
    assert events, "the exception did not reach the transport"
    event = events[-1]
    assert event["exception"]["values"][-1]["value"] == "kaboom from a view"
    assert event["user"] == {"id": str(homeowner.pk)}
    assert homeowner.email not in str(event)
