"""Provider webhooks: anymail (SendGrid) tracking and Twilio inbound/status callbacks."""

import base64
import json

import pytest
from django.core import mail
from twilio.request_validator import RequestValidator

from notifications import delivery, notify
from notifications.models import EmailSuppression, NotificationDelivery, SmsOptOut
from notifications.services import email_suppressed

from .samples import SAMPLES

pytestmark = pytest.mark.django_db
Status = NotificationDelivery.Status
SECRET = "hook-user:hook-pass"


def signed_twilio_post(client, path, data, token="test-auth-token"):
    url = "https://fairtrade.example" + path
    signature = RequestValidator(token).compute_signature(url, data)
    return client.post(path, data, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.fixture
def anymail_secret(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}


def sendgrid_post(client, events, auth=SECRET):
    headers = {}
    if auth:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(auth.encode()).decode()
    return client.post("/webhooks/email/", json.dumps(events), content_type="application/json", **headers)


def _sent_email(person, event="bid.accepted"):
    notify(event, person, SAMPLES[event])
    row = NotificationDelivery.objects.get(recipient=person, channel="email")
    delivery.send(row.pk)
    row.refresh_from_db()
    return row


def _sg_event(row, event, **extra):
    return {"email": row.to, "event": event, "timestamp": 1760000000, "sg_event_id": f"ev-{event}",
            "sg_message_id": "sg.1", "anymail_id": row.provider_id, "delivery_id": str(row.pk), **extra}


# --- email ------------------------------------------------------------------------------
def test_delivered_event_marks_the_delivery(client, contractor, anymail_secret):
    row = _sent_email(contractor)
    assert sendgrid_post(client, [_sg_event(row, "delivered")]).status_code == 200
    row.refresh_from_db()
    assert row.status == Status.DELIVERED and row.delivered_at


def test_hard_bounce_stops_email_and_shows_a_banner(client, contractor, anymail_secret):
    row = _sent_email(contractor)
    response = sendgrid_post(client, [_sg_event(row, "bounce", reason="550 5.1.1 mailbox unknown", type="bounce")])
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.status == Status.BOUNCED and "mailbox unknown" in row.last_error
    assert email_suppressed(contractor.email)
    # No more email to that address; in-app notifications still arrive.
    mail.outbox.clear()
    notify("milestone.funded", contractor, SAMPLES["milestone.funded"])
    assert not NotificationDelivery.objects.filter(recipient=contractor, event="milestone.funded", channel="email")
    # The banner asks the person to fix it, on every page.
    client.force_login(contractor)
    page = client.get("/notifications/").content.decode()
    assert "We can't reach" in page and contractor.email in page
    # "It works again": email resumes.
    response = client.post("/notifications/email-problem/retry/", {"next": "/notifications/"})
    assert response.status_code == 302 and not email_suppressed(contractor.email)
    assert "We can't reach" not in client.get("/notifications/").content.decode()


def test_complaint_stops_email(client, contractor, anymail_secret):
    row = _sent_email(contractor)
    sendgrid_post(client, [_sg_event(row, "spamreport")])
    assert EmailSuppression.objects.get(email=contractor.email).reason == "complained"


def test_soft_block_does_not_suppress(client, contractor, anymail_secret):
    row = _sent_email(contractor)
    sendgrid_post(client, [_sg_event(row, "bounce", type="blocked", reason="try later")])
    assert not email_suppressed(contractor.email)


def test_repeated_and_out_of_order_events_only_move_forward(client, contractor, anymail_secret):
    row = _sent_email(contractor)
    sendgrid_post(client, [_sg_event(row, "delivered"), _sg_event(row, "processed"), _sg_event(row, "delivered")])
    row.refresh_from_db()
    assert row.status == Status.DELIVERED
    sendgrid_post(client, [_sg_event(row, "bounce", type="bounce")])
    sendgrid_post(client, [_sg_event(row, "bounce", type="bounce")])
    assert EmailSuppression.objects.filter(email=contractor.email).count() == 1


def test_email_webhook_rejects_bad_credentials(client, contractor, anymail_secret):
    row = _sent_email(contractor)
    assert sendgrid_post(client, [_sg_event(row, "bounce")], auth="hook-user:wrong").status_code == 400
    assert sendgrid_post(client, [_sg_event(row, "bounce")], auth=None).status_code == 400
    assert not email_suppressed(contractor.email)


def test_email_webhook_refuses_when_not_configured(client, settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": ""}
    assert sendgrid_post(client, [], auth=None).status_code == 403


# --- Twilio -----------------------------------------------------------------------------
@pytest.fixture
def twilio_token(settings):
    settings.TWILIO_AUTH_TOKEN = "test-auth-token"


def test_stop_and_start_turn_texts_off_and_on(client, contractor, twilio_token):
    response = signed_twilio_post(client, "/webhooks/twilio/", {"From": contractor.phone, "Body": " stop ",
                                                               "MessageSid": "SMin1"})
    assert response.status_code == 200 and b"<Response>" in response.content
    assert SmsOptOut.objects.filter(phone=contractor.phone).exists()
    notify("bid.accepted", contractor, SAMPLES["bid.accepted"])
    assert not NotificationDelivery.objects.filter(recipient=contractor, channel="sms").exists()
    signed_twilio_post(client, "/webhooks/twilio/", {"From": contractor.phone, "Body": "START", "MessageSid": "SMin2"})
    assert not SmsOptOut.objects.filter(phone=contractor.phone).exists()
    notify("milestone.funded", contractor, SAMPLES["milestone.funded"])
    assert NotificationDelivery.objects.filter(recipient=contractor, channel="sms").count() == 1


def test_other_replies_change_nothing(client, contractor, twilio_token):
    signed_twilio_post(client, "/webhooks/twilio/", {"From": contractor.phone, "Body": "stop by tomorrow?"})
    assert not SmsOptOut.objects.exists()


def test_bad_or_missing_signature_is_rejected(client, contractor, twilio_token):
    data = {"From": contractor.phone, "Body": "STOP"}
    assert signed_twilio_post(client, "/webhooks/twilio/", data, token="wrong").status_code == 403
    assert client.post("/webhooks/twilio/", data).status_code == 403
    assert client.get("/webhooks/twilio/").status_code == 405
    assert not SmsOptOut.objects.exists()


def test_status_callbacks_update_the_delivery(client, contractor, twilio, twilio_token):
    notify("bid.accepted", contractor, SAMPLES["bid.accepted"])
    row = NotificationDelivery.objects.get(recipient=contractor, channel="sms")
    delivery.send(row.pk)
    row.refresh_from_db()
    path = f"/webhooks/twilio/?delivery={row.pk}"
    signed_twilio_post(client, path, {"MessageSid": row.provider_id, "MessageStatus": "sent"})
    signed_twilio_post(client, path, {"MessageSid": row.provider_id, "MessageStatus": "delivered"})
    row.refresh_from_db()
    assert row.status == Status.DELIVERED
    signed_twilio_post(client, path, {"MessageSid": row.provider_id, "MessageStatus": "sent"})  # late, older news
    row.refresh_from_db()
    assert row.status == Status.DELIVERED


def test_undelivered_callback_records_the_error_and_opt_out(client, contractor, twilio, twilio_token):
    notify("bid.accepted", contractor, SAMPLES["bid.accepted"])
    row = NotificationDelivery.objects.get(recipient=contractor, channel="sms")
    delivery.send(row.pk)
    row.refresh_from_db()
    signed_twilio_post(client, f"/webhooks/twilio/?delivery={row.pk}", {
        "MessageSid": row.provider_id, "MessageStatus": "undelivered", "ErrorCode": "21610", "To": contractor.phone,
    })
    row.refresh_from_db()
    assert row.status == Status.FAILED and "21610" in row.last_error
    assert SmsOptOut.objects.filter(phone=contractor.phone).exists()


def test_webhooks_are_csrf_exempt_but_the_rest_is_not(contractor, twilio_token, settings):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    row = _sent_email(contractor)
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": SECRET}
    # SendGrid posts without a CSRF cookie, as any provider does: it must be accepted.
    assert sendgrid_post(strict, [_sg_event(row, "bounce", type="bounce")]).status_code == 200
    assert email_suppressed(contractor.email)
    assert sendgrid_post(strict, [_sg_event(row, "delivered")], auth="hook-user:wrong").status_code == 400
    assert signed_twilio_post(strict, "/webhooks/twilio/", {"From": contractor.phone, "Body": "HELLO"}).status_code == 200
    strict.force_login(contractor)
    assert strict.post("/notifications/read-all/").status_code == 403


def test_email_crash_between_send_and_commit_is_settled_by_the_webhook(client, contractor, anymail_secret, settings):
    """SendGrid's "processed" event carries our delivery id: the row left `sending` by a
    crashed worker becomes `sent`, and the sweeper does not send it again."""
    from datetime import timedelta
    from unittest import mock

    import time_machine
    from django.utils import timezone

    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    notify("bid.accepted", contractor, SAMPLES["bid.accepted"])
    row = NotificationDelivery.objects.get(recipient=contractor, channel="email")
    with mock.patch.object(delivery, "mark_sent", side_effect=SystemExit("worker killed")), pytest.raises(SystemExit):
        delivery.send(row.pk)
    message_id = str(mail.outbox[0].anymail_status.message_id)
    row.refresh_from_db()
    assert row.status == Status.SENDING and row.provider_id == ""
    event = {"email": contractor.email, "event": "processed", "timestamp": 1760000000, "sg_event_id": "p1",
             "anymail_id": message_id, "delivery_id": str(row.pk)}
    assert sendgrid_post(client, [event]).status_code == 200
    row.refresh_from_db()
    assert row.status == Status.SENT and row.provider_id == message_id
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        delivery.sweep()
    assert len(mail.outbox) == 1
