"""The webhooks app's personal data (core.privacy): the person's endpoints and what was sent
to them. Secrets are never exported (they sign deliveries; a copy in a zip is a leak)."""

from core.privacy import Blocker

from .models import WebhookEndpoint, WebhookMessage


def export(user) -> dict:
    endpoints = WebhookEndpoint.objects.filter(user=user).order_by("created_at")
    return {"webhook_endpoints": [{
        "url": e.url, "event_types": e.event_types, "enabled": e.is_enabled, "created_at": e.created_at,
        "messages_sent": WebhookMessage.objects.filter(endpoint=e).count(),
    } for e in endpoints]}


def erasure_blockers(user) -> list[Blocker]:
    return []


def erase(user) -> None:
    """Endpoints, their secrets, queued messages and delivery logs go with the account: they
    carry the person's view of jobs and contracts and nobody else relies on them (cascade)."""
    WebhookEndpoint.objects.filter(user=user).delete()
