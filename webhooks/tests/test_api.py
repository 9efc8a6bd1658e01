"""Webhook endpoints over the API and in the admin: owner-only, secret shown once, validation, resend."""

import pytest

from webhooks import services
from webhooks.models import WebhookEndpoint, WebhookMessage

pytestmark = pytest.mark.django_db
URL = "https://hooks.partner.example/in"


def test_create_shows_the_secret_once_and_only_the_owner_sees_the_endpoint(api_as, homeowner, other_homeowner):
    client = api_as(homeowner)
    created = client.post("/api/v1/webhook-endpoints/", {"url": URL, "event_types": ["bid.received"]}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["event_types"] == ["bid.received"] and body["is_enabled"]
    detail = client.get(f"/api/v1/webhook-endpoints/{body['id']}/").json()
    assert "secret" not in detail
    assert [e["id"] for e in client.get("/api/v1/webhook-endpoints/").json()["results"]] == [body["id"]]
    stranger = api_as(other_homeowner)
    for method, path in [("get", ""), ("patch", ""), ("delete", ""), ("post", "rotate-secret/"), ("get", "messages/")]:
        response = getattr(stranger, method)(f"/api/v1/webhook-endpoints/{body['id']}/{path}", {}, format="json")
        assert response.status_code == 404, (method, path)
    assert WebhookEndpoint.objects.get().secret == body["secret"]  # nothing changed


@pytest.mark.parametrize(("payload", "field"), [
    ({"url": URL, "event_types": ["bid.placed"]}, "event_types"),
    ({"url": URL, "event_types": []}, "event_types"),
    ({"url": "http://hooks.partner.example/in", "event_types": ["bid.received"]}, "url"),
    ({"url": "not a url", "event_types": ["bid.received"]}, "url"),
])
def test_bad_input_is_a_400_naming_the_field(api_as, homeowner, payload, field):
    response = api_as(homeowner).post("/api/v1/webhook-endpoints/", payload, format="json")
    assert response.status_code == 400
    assert any(key.split(".")[0] == field for key in response.json()["error"]["fields"])
    assert not WebhookEndpoint.objects.exists()


def test_at_most_ten_endpoints(api_as, homeowner):
    for n in range(services.MAX_ENDPOINTS_PER_USER):
        services.endpoint_create(actor=homeowner, url=f"{URL}/{n}", event_types=["job.published"])
    response = api_as(homeowner).post("/api/v1/webhook-endpoints/", {"url": URL, "event_types": ["job.published"]},
                                      format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_state"


def test_event_catalogue_is_public(api_client):
    names = [e["name"] for e in api_client.get("/api/v1/webhook-event-types/").json()]
    assert "bid.received" in names and "message.received" in names and len(names) == 11


def test_admin_resend_action(client, staff_user, homeowner):
    endpoint, _ = services.endpoint_create(actor=homeowner, url=URL, event_types=["job.published"])
    message = WebhookMessage.objects.create(endpoint=endpoint, msg_id=services.new_msg_id(), event_type="job.published",
                                            payload="{}", status=WebhookMessage.Status.FAILED)
    client.force_login(staff_user)
    response = client.post("/admin/webhooks/webhookmessage/", {"action": "resend", "_selected_action": [message.pk]},
                           follow=True)
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == "pending" and message.next_attempt_at is not None
    page = client.get(f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/").content.decode()
    assert endpoint.secret not in page  # staff never see signing secrets
