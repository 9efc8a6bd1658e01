"""Every write of the webhooks app: endpoints, fan-out of outbox events, delivery attempts.

Delivery is at-least-once and keyed by rows: fan-out writes one WebhookMessage per event and
endpoint (unique), an attempt claims its message with a short lease (a conditional UPDATE, so
two workers never send the same attempt and no transaction stays open during the HTTP call),
records a WebhookAttempt, and schedules the next try.
"""

import json
import logging
import random
import time
import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

import audit
from core.exceptions import InvalidState, ValidationFailed
from core.fsm import check_transition
from core.models import OutboxEvent
from notifications.services import notify

from . import catalogue, payloads, signing, transport
from .models import WebhookAttempt, WebhookEndpoint, WebhookMessage

logger = logging.getLogger(__name__)

MAX_ENDPOINTS_PER_USER = 10
RETRY_WINDOW = timedelta(days=3)
ROTATION_OVERLAP = timedelta(hours=24)
LEASE = timedelta(minutes=2)  # longer than the transport's worst case (3 s connect + 5 s read)
FIRST_RETRY_SECONDS = 30
BACKOFF_FACTOR = 3
MAX_DELAY_SECONDS = 12 * 3600
JITTER = 0.2

S = WebhookMessage.Status
TRANSITIONS = {
    S.PENDING: {S.DELIVERED, S.FAILED},
    S.DELIVERED: {S.PENDING},  # resend
    S.FAILED: {S.PENDING},  # resend
}


def retry_delay(failed_attempts: int, *, rng=random) -> timedelta:
    """Exponential backoff with jitter: 30 s, 1.5 min, 4.5 min, 13.5 min, 40 min, 2 h, 6 h, then
    every 12 h, each ±20 %, until the message is 3 days old (about 13 attempts)."""
    base = min(FIRST_RETRY_SECONDS * BACKOFF_FACTOR ** (failed_attempts - 1), MAX_DELAY_SECONDS)
    return timedelta(seconds=base * rng.uniform(1 - JITTER, 1 + JITTER))


# --- endpoints ----------------------------------------------------------------------------------
def _clean(url: str, event_types: list[str]) -> tuple[str, list[str]]:
    url = (url or "").strip()
    fields = {}
    try:
        transport.check_url(url)
    except transport.Refused as exc:
        fields["url"] = [str(exc)]
    if len(url) > 500:
        fields["url"] = ["At most 500 characters."]
    unknown = [t for t in event_types if t not in catalogue.EVENT_TYPES]
    if unknown:
        fields["event_types"] = [f"Unknown event type: {t}" for t in unknown]
    elif not event_types:
        fields["event_types"] = ["Choose at least one event type."]
    if fields:
        raise ValidationFailed(next(iter(fields.values()))[0], fields=fields)
    return url, [t for t in catalogue.EVENT_TYPES if t in set(event_types)]


@transaction.atomic
def endpoint_create(*, actor, url: str, event_types: list[str], description: str = "",
                    request=None) -> tuple[WebhookEndpoint, str]:
    """Returns the endpoint and its secret (shown to the owner this once)."""
    url, event_types = _clean(url, event_types)
    get_user_model().objects.select_for_update().filter(pk=actor.pk).first()  # serialise the cap check
    if WebhookEndpoint.objects.filter(user=actor).count() >= MAX_ENDPOINTS_PER_USER:
        raise InvalidState(f"You already have {MAX_ENDPOINTS_PER_USER} webhook endpoints; delete one first.")
    secret = signing.generate_secret()
    endpoint = WebhookEndpoint.objects.create(user=actor, url=url, event_types=event_types,
                                              description=(description or "").strip()[:200], secret=secret)
    audit.record(actor, "webhook_endpoint.created", endpoint, request, url=url, event_types=event_types)
    return endpoint, secret


@transaction.atomic
def endpoint_update(*, actor, endpoint: WebhookEndpoint, url: str | None = None, event_types: list[str] | None = None,
                    description: str | None = None, is_enabled: bool | None = None, request=None) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    new_url, new_types = _clean(endpoint.url if url is None else url,
                                endpoint.event_types if event_types is None else event_types)
    changes = {}
    if new_url != endpoint.url:
        changes["url"] = new_url
    if new_types != endpoint.event_types:
        changes["event_types"] = new_types
    if description is not None and description.strip()[:200] != endpoint.description:
        changes["description"] = description.strip()[:200]
    if is_enabled is not None and is_enabled != endpoint.is_enabled:
        changes["is_enabled"] = is_enabled
        changes["disabled_reason"] = "" if is_enabled else "Disabled by you."
        changes["disabled_at"] = None if is_enabled else timezone.now()
    for field, value in changes.items():
        setattr(endpoint, field, value)
    if changes:
        endpoint.save()
        audit.record(actor, "webhook_endpoint.updated", endpoint, request,
                     **{k: v for k, v in changes.items() if k not in ("disabled_at",)})
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, actor, endpoint: WebhookEndpoint, request=None) -> tuple[WebhookEndpoint, str]:
    """A new secret; messages are signed with the old one too for 24 hours, so the receiver can
    switch without losing an event."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = signing.generate_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + ROTATION_OVERLAP
    endpoint.secret = secret
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    audit.record(actor, "webhook_endpoint.secret_rotated", endpoint, request)
    return endpoint, secret


@transaction.atomic
def endpoint_delete(*, actor, endpoint: WebhookEndpoint, request=None) -> None:
    audit.record(actor, "webhook_endpoint.deleted", endpoint, request, url=endpoint.url)
    endpoint.delete()


def endpoint_disable(*, endpoint_id, reason: str) -> bool:
    """The platform stops sending (410 Gone, or a message failed for 3 days); the owner is
    emailed. Pending messages are closed as failed: they can be resent from the log."""
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().select_related("user").get(pk=endpoint_id)
        if not endpoint.is_enabled:
            return False
        endpoint.is_enabled = False
        endpoint.disabled_reason = reason[:300]
        endpoint.disabled_at = timezone.now()
        endpoint.save(update_fields=["is_enabled", "disabled_reason", "disabled_at", "updated_at"])
        endpoint.messages.filter(status=S.PENDING).update(status=S.FAILED, next_attempt_at=None,
                                                          failure_reason="The endpoint was disabled.")
        audit.record(None, "webhook_endpoint.disabled", endpoint, None, reason=reason)
        notify("webhook.endpoint_disabled", endpoint.user,
               {"endpoint_url": endpoint.url, "reason": reason, "url": reverse("webhooks:detail", args=[endpoint.pk])},
               target=endpoint)
    return True


# --- fan-out ------------------------------------------------------------------------------------
def _subscribed_endpoints(event_type: str) -> dict:
    endpoints = WebhookEndpoint.objects.filter(is_enabled=True)
    if connection.vendor == "postgresql":
        endpoints = endpoints.filter(event_types__contains=[event_type])
        chosen = list(endpoints)
    else:  # SQLite (make run) has no JSON containment lookup
        chosen = [e for e in endpoints if event_type in e.event_types]
    by_user: dict = {}
    for endpoint in chosen:
        by_user.setdefault(endpoint.user_id, []).append(endpoint)
    return by_user


def envelope(event_type: str, data: dict, *, when=None) -> str:
    """The body (Standard Webhooks' recommended shape): type, timestamp, data."""
    when = when or timezone.now()
    return json.dumps({"type": event_type, "timestamp": when.isoformat().replace("+00:00", "Z"), "data": data},
                      separators=(",", ":"), default=str)


def new_msg_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def fanout(event_id) -> list:
    """One message per subscribed endpoint of each recipient; returns the new message ids."""
    with transaction.atomic():
        event = OutboxEvent.objects.select_for_update(skip_locked=True).filter(pk=event_id, processed_at__isnull=True).first()
        if event is None:
            return []  # done already, or another worker has it
        created = []
        by_user = _subscribed_endpoints(event.event_type)
        if by_user:
            now = timezone.now()
            for user, data in payloads.for_event(event, wanted_user_ids=set(by_user)):
                body = envelope(event.event_type, data, when=event.created_at)
                for endpoint in by_user[user.pk]:
                    message, made = WebhookMessage.objects.get_or_create(
                        endpoint=endpoint, event=event,
                        defaults={"msg_id": new_msg_id(), "event_type": event.event_type, "payload": body,
                                  "next_attempt_at": now},
                    )
                    if made:
                        created.append(message.pk)
        event.processed_at = timezone.now()
        event.save(update_fields=["processed_at"])
    return created


# --- delivery -----------------------------------------------------------------------------------
def _claim(message_id, *, now) -> bool:
    return bool(WebhookMessage.objects.filter(
        pk=message_id, status=S.PENDING, next_attempt_at__lte=now, endpoint__is_enabled=True,
    ).update(next_attempt_at=now + LEASE))


def message_attempt(message_id, *, triggered_by: str = "schedule") -> WebhookAttempt | None:
    """Send one attempt if the message is due; record it; schedule the next or give up."""
    now = timezone.now()
    if not _claim(message_id, now=now):
        return None
    message = WebhookMessage.objects.select_related("endpoint").get(pk=message_id)
    endpoint = message.endpoint
    body = message.payload.encode()
    headers = signing.headers(endpoint.signing_secrets(now), message.msg_id, int(time.time()), body)
    result = transport.post(endpoint.url, body, headers)

    disable_reason = ""
    with transaction.atomic():
        message = WebhookMessage.objects.select_for_update().get(pk=message_id)
        attempt = WebhookAttempt.objects.create(
            message=message, started_at=now, duration_ms=result.duration_ms, request_headers=headers,
            response_status=result.status, response_body=result.body, error=result.error, triggered_by=triggered_by,
        )
        message.attempt_count += 1
        message.last_response_status = result.status
        finished = timezone.now()
        if attempt.succeeded:
            check_transition(TRANSITIONS, message.status, S.DELIVERED, label="webhook message")
            message.status, message.delivered_at, message.next_attempt_at, message.failure_reason = (
                S.DELIVERED, finished, None, "")
        else:
            why = f"HTTP {result.status}" if result.status else result.error
            if result.status == 410:
                message.status, message.next_attempt_at = S.FAILED, None
                message.failure_reason = "410 Gone: the receiver asked us to stop."
                disable_reason = "The endpoint answered 410 Gone."
            else:
                next_at = finished + retry_delay(message.attempt_count)
                if triggered_by == "resend" or next_at > message.created_at + RETRY_WINDOW:
                    message.status, message.next_attempt_at = S.FAILED, None
                    message.failure_reason = f"Gave up: {why}"[:300]
                    if triggered_by != "resend":
                        disable_reason = f"Deliveries failed for 3 days (last: {why})."[:300]
                else:
                    message.next_attempt_at = next_at
                    message.failure_reason = why[:300]
        message.save()
    if disable_reason:
        endpoint_disable(endpoint_id=endpoint.pk, reason=disable_reason)
    return attempt


@transaction.atomic
def message_resend(*, actor, message: WebhookMessage, request=None) -> WebhookMessage:
    """Send a message again now (one attempt; the same webhook-id, so receivers dedupe)."""
    message = WebhookMessage.objects.select_for_update().select_related("endpoint").get(pk=message.pk)
    if not message.endpoint.is_enabled:
        raise InvalidState("Enable the endpoint before resending to it.")
    if message.status == S.PENDING:
        raise InvalidState("This delivery is still being retried; wait for it to finish.")
    check_transition(TRANSITIONS, message.status, S.PENDING, label="webhook message")
    message.status, message.next_attempt_at, message.failure_reason = S.PENDING, timezone.now(), ""
    message.save(update_fields=["status", "next_attempt_at", "failure_reason", "updated_at"])
    audit.record(actor, "webhook_message.resent", message, request, msg_id=message.msg_id)
    from . import tasks

    transaction.on_commit(lambda: tasks.attempt.delay(str(message.pk), "resend"))
    return message


def due_message_ids(limit: int = 500) -> list:
    return list(WebhookMessage.objects.filter(status=S.PENDING, next_attempt_at__lte=timezone.now(),
                                              endpoint__is_enabled=True)
                .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])


def stale_event_ids(older_than=timedelta(minutes=1), limit: int = 500) -> list:
    return list(OutboxEvent.objects.filter(processed_at__isnull=True, created_at__lt=timezone.now() - older_than)
                .order_by("created_at").values_list("pk", flat=True)[:limit])
