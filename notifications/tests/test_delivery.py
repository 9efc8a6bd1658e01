"""Exactly-once delivery: claims, retries with backoff, permanent failures, crash recovery."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
import requests
import time_machine
from django.core import mail
from django.utils import timezone

from notifications import delivery, notify, tasks
from notifications.models import NotificationDelivery
from notifications.services import sms_opt_out

from .samples import SAMPLES

pytestmark = pytest.mark.django_db
Status = NotificationDelivery.Status


def _event(person, event="bid.accepted"):
    """Write the notification and its deliveries without running the after-commit tasks."""
    notify(event, person, SAMPLES[event])
    return {d.channel: d for d in NotificationDelivery.objects.filter(recipient=person)}


def test_a_task_run_twice_sends_once(contractor, twilio):
    rows = _event(contractor)
    assert set(rows) == {"email", "sms"}
    for row in rows.values():
        tasks.deliver(str(row.pk))
        tasks.deliver(str(row.pk))  # duplicate message / sweeper overlap
    assert len(mail.outbox) == 1
    assert len(twilio.sent) == 1
    for row in rows.values():
        row.refresh_from_db()
        assert row.status == Status.SENT and row.attempts == 1 and row.provider_id


def test_sms_goes_through_twilio_with_our_status_callback(contractor, twilio):
    rows = _event(contractor)
    tasks.deliver(str(rows["sms"].pk))
    (sent,) = twilio.sent
    assert sent["To"] == contractor.phone and sent["From"] == "+15125550000"
    assert sent["StatusCallback"] == f"https://fairtrade.example/webhooks/twilio/?delivery={rows['sms'].pk}"
    assert "was accepted" in sent["Body"]
    rows["sms"].refresh_from_db()
    assert rows["sms"].provider_id.startswith("SM")


def test_console_backend_prints_the_text(contractor, capsys):
    rows = _event(contractor)
    tasks.deliver(str(rows["sms"].pk))
    assert f"SMS to {contractor.phone}: FairTradeWorker: your bid of $12,345.00" in capsys.readouterr().out


def test_email_is_a_proper_multipart_message(contractor):
    rows = _event(contractor)
    tasks.deliver(str(rows["email"].pk))
    (message,) = mail.outbox
    assert message.subject == "Your bid on “Replace the rotten deck boards & railing” was accepted"
    assert message.from_email == "FairTradeWorker <no-reply@fairtradeworker.test>"
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["List-Unsubscribe"].startswith("<https://fairtrade.example/notifications/unsubscribe/")
    assert message.extra_headers["Message-ID"].endswith("@fairtrade.example>")


def test_essential_email_has_no_unsubscribe_header(homeowner):
    rows = _event(homeowner, "payment.receipt")
    tasks.deliver(str(rows["email"].pk))
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers


@pytest.mark.parametrize("status,code", [(500, 20500), (503, 20503), (429, 20429)])
def test_transient_twilio_errors_retry_with_exponential_backoff_then_fail(contractor, twilio, status, code):
    twilio.fail_with = (status, code)
    row = _event(contractor)["sms"]
    start = timezone.now()
    delays = []
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(delivery.MAX_ATTEMPTS):
            delay = delivery.send(row.pk)
            delays.append(delay)
            assert delivery.send(row.pk) is None  # not due yet: nothing happens
            if delay:
                clock.shift(timedelta(seconds=delay))
    row.refresh_from_db()
    assert delays == [60, 120, 240, 480, None]
    assert row.status == Status.FAILED and row.attempts == 5
    assert row.last_error.startswith("Gave up after 5 attempts") and str(code) in row.last_error
    assert len(twilio.requests) == 5


def test_timeout_is_retried(contractor, twilio):
    twilio.raise_exc = requests.exceptions.ReadTimeout("read timed out")
    row = _event(contractor)["sms"]
    assert delivery.send(row.pk) == 60
    row.refresh_from_db()
    assert row.status == Status.PENDING and "unreachable" in row.last_error and row.next_attempt_at
    twilio.raise_exc = None
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert delivery.send(row.pk) is None
    row.refresh_from_db()
    assert row.status == Status.SENT and row.attempts == 2 and len(twilio.stored) == 1


def test_a_rejected_number_fails_at_once_with_the_reason(contractor, twilio):
    twilio.fail_with = (400, 21211)
    row = _event(contractor)["sms"]
    assert delivery.send(row.pk) is None
    row.refresh_from_db()
    assert row.status == Status.FAILED and row.attempts == 1 and "21211" in row.last_error


def test_smtp_errors(contractor, monkeypatch):
    row = _event(contractor)["email"]
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPServerDisconnected("gone")):
        assert delivery.send(row.pk) == 60
    row.refresh_from_db()
    assert row.status == Status.PENDING and "SMTPServerDisconnected" in row.last_error
    refused = smtplib.SMTPRecipientsRefused({contractor.email: (550, b"no such user")})
    later = time_machine.travel(timezone.now() + timedelta(minutes=2))
    with later, mock.patch("django.core.mail.EmailMessage.send", side_effect=refused):
        delivery.send(row.pk)
    row.refresh_from_db()
    assert row.status == Status.FAILED and "refused" in row.last_error


def test_anymail_errors_are_classified(contractor, settings):
    from anymail.exceptions import AnymailAPIError

    row = _event(contractor)["email"]
    error = AnymailAPIError("SendGrid rejected the message", status_code=400)
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=error):
        delivery.send(row.pk)
    row.refresh_from_db()
    assert row.status == Status.FAILED and "400" in row.last_error


def test_anymail_test_backend_records_metadata_and_message_id(contractor, settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    row = _event(contractor)["email"]
    delivery.send(row.pk)
    (message,) = mail.outbox
    assert message.metadata == {"delivery_id": str(row.pk)}
    row.refresh_from_db()
    assert row.status == Status.SENT and row.provider_id == str(message.anymail_status.message_id)


def test_stop_after_the_event_cancels_the_text(contractor, twilio):
    row = _event(contractor)["sms"]
    sms_opt_out(phone=contractor.phone)
    delivery.send(row.pk)
    row.refresh_from_db()
    assert row.status == Status.FAILED and "STOP" in row.last_error and twilio.requests == []


# --- crash between send and commit ------------------------------------------------------
def _crash_after_send(row_id):
    """The provider accepted the message, then the worker died before recording it."""
    with mock.patch.object(delivery, "mark_sent", side_effect=SystemExit("worker killed")), pytest.raises(SystemExit):
        delivery.send(row_id)


def test_crash_recovered_by_sweeper_from_twilios_records_without_a_duplicate(contractor, twilio):
    row = _event(contractor)["sms"]
    _crash_after_send(row.pk)
    row.refresh_from_db()
    assert row.status == Status.SENDING and len(twilio.sent) == 1
    assert delivery.sweep()["recovered"] == 0  # not stale yet: the worker may still be alive
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        summary = delivery.sweep()  # (also queues the email row, whose task never ran here)
        assert summary["recovered"] == 1 and summary["requeued"] == 0
    row.refresh_from_db()
    assert row.status == Status.SENT and row.provider_id == twilio.stored[0]["sid"]
    assert len(twilio.sent) == 1  # nothing sent twice


def test_crash_recovered_by_the_providers_callback(contractor, twilio, client):
    from .test_webhooks import signed_twilio_post

    row = _event(contractor)["sms"]
    _crash_after_send(row.pk)
    sid = twilio.stored[0]["sid"]
    response = signed_twilio_post(
        client, f"/webhooks/twilio/?delivery={row.pk}", {"MessageSid": sid, "MessageStatus": "delivered"}
    )
    assert response.status_code == 204
    row.refresh_from_db()
    assert row.status == Status.DELIVERED and row.provider_id == sid
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        delivery.sweep()
    assert len(twilio.sent) == 1


def test_crash_before_the_provider_got_it_is_sent_again_once(contractor, twilio):
    row = _event(contractor)["sms"]
    twilio.raise_exc = None
    delivery.claim(row.pk)  # claimed, then the worker died before calling Twilio
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        summary = delivery.sweep()
        assert summary["requeued"] == 1
    row.refresh_from_db()
    assert row.status == Status.SENT and row.attempts == 2 and len(twilio.sent) == 1


def test_sweeper_queues_pending_rows_left_by_a_lost_task(contractor, twilio):
    rows = _event(contractor)  # the on_commit callbacks never ran (broker down)
    assert delivery.sweep()["queued"] == 0  # grace period: the normal task may still come
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert delivery.sweep()["queued"] == 2
    assert len(mail.outbox) == 1 and len(twilio.sent) == 1
    for row in rows.values():
        row.refresh_from_db()
        assert row.status == Status.SENT


def test_broker_down_at_commit_does_not_break_the_callers_transaction(contractor, django_capture_on_commit_callbacks):
    broker_down = mock.patch.object(tasks.deliver, "delay", side_effect=ConnectionError("redis down"))
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        notify("bid.accepted", contractor, SAMPLES["bid.accepted"])
    assert NotificationDelivery.objects.filter(status=Status.PENDING).count() == 2


def test_one_delivery_per_notification_and_channel_is_a_database_rule(contractor):
    from django.db import IntegrityError, transaction

    row = _event(contractor)["email"]
    with pytest.raises(IntegrityError), transaction.atomic():
        NotificationDelivery.objects.create(
            notification=row.notification, recipient=contractor, event=row.event, channel="email", to=row.to
        )


def test_phone_code_is_redacted_once_sent(contractor):
    from notifications.services import sms_send_direct

    row = sms_send_direct(recipient=contractor, to=contractor.phone, event="phone.code", body="code 123456")
    delivery.send(row.pk)
    row.refresh_from_db()
    assert row.status == Status.SENT and "123456" not in row.body_text
