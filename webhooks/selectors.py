"""Endpoints and their deliveries are visible to their owner only (staff use the admin)."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import WebhookAttempt, WebhookEndpoint, WebhookMessage


def endpoints_of(user) -> QuerySet[WebhookEndpoint]:
    if user is None or not user.is_authenticated:
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.filter(user=user)


def endpoint_of(user, pk) -> WebhookEndpoint:
    return get_object_or_404(endpoints_of(user), pk=pk)


def messages_of(endpoint: WebhookEndpoint) -> QuerySet[WebhookMessage]:
    return endpoint.messages.prefetch_related(
        Prefetch("attempts", queryset=WebhookAttempt.objects.order_by("started_at"))
    ).order_by("-created_at")


def message_of(user, pk) -> WebhookMessage:
    return get_object_or_404(WebhookMessage.objects.select_related("endpoint").filter(endpoint__user=user), pk=pk)
