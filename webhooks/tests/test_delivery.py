"""Deliveries to a real HTTP receiver on a loopback port, verified with the partner client's
verify_webhook: success, failure and retry, 410, giving up after 3 days, resend, rotation."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from core import outbox
from fairtrade_client import WebhookVerificationError, verify_webhook
from jobs.models import Job
from jobs.services import job_publish
from jobs.tests.factories import JobFactory
from webhooks import services, tasks
from webhooks.models import WebhookMessage

pytestmark = pytest.mark.django_db


def _endpoint(user, receiver, types=("job.published",)):
    return services.endpoint_create(actor=user, url=receiver.url, event_types=list(types))


def _published_job(homeowner, django_capture_on_commit_callbacks):
    job = JobFactory(homeowner=homeowner, status=Job.Status.DRAFT, published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        job_publish(actor=homeowner, job=job)
    return job


def test_publishing_a_job_delivers_a_signed_event_the_client_verifies(homeowner, receiver, django_capture_on_commit_callbacks):
    endpoint, secret = _endpoint(homeowner, receiver)
    job = _published_job(homeowner, django_capture_on_commit_callbacks)

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request.path == "/hooks"
    assert request.headers["Content-Type"] == "application/json"
    event = verify_webhook(request.headers, request.body, secret)
    assert event["type"] == "job.published"
    assert event["data"]["job"]["id"] == str(job.pk)
    assert event["data"]["job"]["status"] == "open"
    assert event["data"]["job"]["address"] == job.address  # the owner may see it
    message = WebhookMessage.objects.get(endpoint=endpoint)
    assert event["webhook_id"] == message.msg_id == request.headers["webhook-id"]
    assert message.status == "delivered" and message.attempt_count == 1
    attempt = message.attempts.get()
    assert attempt.response_status == 200 and attempt.duration_ms >= 0
    assert attempt.request_headers["webhook-id"] == message.msg_id
    with pytest.raises(WebhookVerificationError):
        verify_webhook(request.headers, request.body.replace(b"open", b"shut"), secret)


def test_unsubscribed_and_disabled_endpoints_get_nothing(homeowner, receiver, django_capture_on_commit_callbacks):
    _endpoint(homeowner, receiver, types=("contract.created",))
    disabled, _ = _endpoint(homeowner, receiver)
    services.endpoint_update(actor=homeowner, endpoint=disabled, is_enabled=False)
    _published_job(homeowner, django_capture_on_commit_callbacks)
    assert receiver.requests == []
    assert not WebhookMessage.objects.exists()


def test_failure_is_retried_with_backoff_and_the_same_webhook_id(homeowner, receiver, django_capture_on_commit_callbacks):
    _endpoint(homeowner, receiver)
    receiver.responses = [500]
    _published_job(homeowner, django_capture_on_commit_callbacks)
    message = WebhookMessage.objects.get()
    assert message.status == "pending" and message.attempt_count == 1 and message.last_response_status == 500
    wait = message.next_attempt_at - message.attempts.get().started_at
    assert timedelta(seconds=24) <= wait <= timedelta(seconds=37)  # 30 s ± 20 % jitter

    assert tasks.sweep() == {"events": 0, "messages": 0}  # not due yet: nothing sent
    with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
        tasks.sweep()
    message.refresh_from_db()
    assert message.status == "delivered" and message.attempt_count == 2
    assert [r.headers["webhook-id"] for r in receiver.requests] == [message.msg_id] * 2
    assert [a.response_status for a in message.attempts.all()] == [500, 200]


def test_redirects_are_not_followed(homeowner, receiver, django_capture_on_commit_callbacks):
    _endpoint(homeowner, receiver)
    receiver.responses = [302]
    receiver.redirect_to = receiver.url + "/moved"
    _published_job(homeowner, django_capture_on_commit_callbacks)
    message = WebhookMessage.objects.get()
    assert message.status == "pending" and message.last_response_status == 302
    assert len(receiver.requests) == 1  # the Location was not visited


def test_410_gone_disables_the_endpoint_and_emails_the_owner(homeowner, receiver, django_capture_on_commit_callbacks):
    endpoint, _ = _endpoint(homeowner, receiver)
    receiver.responses = [410]
    _published_job(homeowner, django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert endpoint.is_enabled is False and "410" in endpoint.disabled_reason
    assert WebhookMessage.objects.get().status == "failed"
    assert [m.subject for m in mail.outbox if homeowner.email in m.to] == [
        "Your webhook endpoint was disabled"]
    body = next(m.body for m in mail.outbox if "webhook" in m.subject.lower())
    assert endpoint.url in body and "410" in body
    # Later events are not sent to it.
    _published_job(homeowner, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1


def test_gives_up_after_three_days_then_disables_and_emails(homeowner, receiver, django_capture_on_commit_callbacks):
    endpoint, _ = _endpoint(homeowner, receiver)
    receiver.responses = [503] * 100
    _published_job(homeowner, django_capture_on_commit_callbacks)
    message = WebhookMessage.objects.get()
    while message.status == "pending":
        with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)), \
                django_capture_on_commit_callbacks(execute=True):
            services.message_attempt(message.pk)
        message.refresh_from_db()
    attempts = list(message.attempts.all())
    assert 11 <= len(attempts) <= 15  # 30 s x3 growth, capped at 12 h, over 72 h
    assert attempts[-1].started_at - message.created_at <= timedelta(days=3)
    assert attempts[-1].started_at - message.created_at >= timedelta(days=2)
    gaps = [b.started_at - a.started_at for a, b in zip(attempts, attempts[1:], strict=False)]
    assert gaps[0] < gaps[1] < gaps[2] < gaps[3]  # exponential
    assert max(gaps) <= timedelta(hours=12 * 1.2, seconds=5)
    assert message.status == "failed" and "Gave up" in message.failure_reason
    endpoint.refresh_from_db()
    assert endpoint.is_enabled is False and "3 days" in endpoint.disabled_reason
    assert any("webhook endpoint was disabled" in m.subject for m in mail.outbox if homeowner.email in m.to)


def test_resend_from_the_api_sends_once_more_with_the_same_id(homeowner, receiver, api_as, django_capture_on_commit_callbacks):
    endpoint, secret = _endpoint(homeowner, receiver)
    receiver.responses = [410]
    _published_job(homeowner, django_capture_on_commit_callbacks)
    message = WebhookMessage.objects.get()
    client = api_as(homeowner)
    refused = client.post(f"/api/v1/webhook-messages/{message.pk}/resend/")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "invalid_state"  # endpoint disabled
    assert client.patch(f"/api/v1/webhook-endpoints/{endpoint.pk}/", {"is_enabled": True}, format="json").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/webhook-messages/{message.pk}/resend/")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "pending"  # queued; the worker sends it after commit
    message.refresh_from_db()
    assert message.status == "delivered"
    assert [a.triggered_by for a in message.attempts.all()] == ["schedule", "resend"]
    assert verify_webhook(receiver.requests[-1].headers, receiver.requests[-1].body, secret)["webhook_id"] == message.msg_id
    log = client.get(f"/api/v1/webhook-endpoints/{endpoint.pk}/messages/").json()["results"]
    assert [a["response_status"] for a in log[0]["attempts"]] == [410, 200]


def test_rotation_signs_with_both_secrets_for_24_hours(homeowner, receiver, django_capture_on_commit_callbacks):
    endpoint, old = _endpoint(homeowner, receiver)
    endpoint, new = services.endpoint_rotate_secret(actor=homeowner, endpoint=endpoint)
    assert new != old and new.startswith("whsec_")
    _published_job(homeowner, django_capture_on_commit_callbacks)
    first = receiver.requests[-1]
    assert len(first.headers["webhook-signature"].split(" ")) == 2
    verify_webhook(first.headers, first.body, new)
    verify_webhook(first.headers, first.body, old)

    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        _published_job(homeowner, django_capture_on_commit_callbacks)
        later = receiver.requests[-1]
        assert len(later.headers["webhook-signature"].split(" ")) == 1
        verify_webhook(later.headers, later.body, new)
        with pytest.raises(WebhookVerificationError):
            verify_webhook(later.headers, later.body, old)


def test_outbox_rows_roll_back_with_the_change(homeowner):
    from django.db import transaction

    job = JobFactory(homeowner=homeowner, status=Job.Status.DRAFT, published_at=None)
    with pytest.raises(RuntimeError), transaction.atomic():
        job_publish(actor=homeowner, job=job)
        raise RuntimeError("the request failed after the service")
    from core.models import OutboxEvent

    assert not OutboxEvent.objects.exists()
    job_publish(actor=homeowner, job=job)
    assert OutboxEvent.objects.get().event_type == "job.published"


def test_sweep_processes_events_whose_task_was_lost(homeowner, receiver):
    """No on_commit callback ran (as if the broker was down): the sweep picks the row up."""
    _endpoint(homeowner, receiver)
    job = JobFactory(homeowner=homeowner)
    event = outbox.emit("job.published", job)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert tasks.sweep()["events"] == 1
    event.refresh_from_db()
    assert event.processed_at is not None
    assert json.loads(receiver.requests[0].body)["type"] == "job.published"
