"""API.md: "A body of another content type gets 415", also on endpoints that read no body."""

import pytest

from accounts.services import api_token_create
from notifications import notify
from notifications.tests.samples import SAMPLES

pytestmark = pytest.mark.django_db


def test_bodyless_endpoints_refuse_foreign_bodies(api_as, contractor, homeowner):
    token, _ = api_token_create(actor=homeowner, name="ci")
    [note] = notify("bid.accepted", contractor, SAMPLES["bid.accepted"])
    cases = [
        (api_as(contractor), "post", "/api/v1/notifications/read-all/"),
        (api_as(contractor), "post", f"/api/v1/notifications/{note.pk}/read/"),
        (api_as(homeowner), "delete", f"/api/v1/tokens/{token.pk}/"),
    ]
    for client, method, url in cases:
        for content_type, body in [("text/plain", "hello"), ("application/xml", "<a/>"),
                                   ("application/x-www-form-urlencoded", "a=1")]:
            response = getattr(client, method)(url, body, content_type=content_type)
            assert response.status_code == 415, (url, content_type, response.status_code)
            assert response.json()["error"]["code"] == "unsupported_media_type"
    # Nothing happened: the token still works, the notification is unread.
    token.refresh_from_db()
    note.refresh_from_db()
    assert token.revoked_at is None and note.read_at is None


def test_bodyless_requests_and_json_bodies_still_work(api_as, contractor):
    [note] = notify("bid.accepted", contractor, SAMPLES["bid.accepted"])
    client = api_as(contractor)
    assert client.post(f"/api/v1/notifications/{note.pk}/read/").status_code in (200, 204)
    assert client.post("/api/v1/notifications/read-all/", {}, format="json").status_code in (200, 204)
    assert client.get("/api/v1/notifications/", content_type="text/plain").status_code == 200
