"""Reads of notifications: a person only ever sees their own."""

from django.shortcuts import get_object_or_404

from .models import Notification


def notifications_of(user, *, unread_only: bool = False):
    queryset = Notification.objects.filter(recipient=user).only(
        "id", "event", "title", "body", "url", "read_at", "created_at", "target_type", "target_id", "recipient_id"
    )
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-created_at")


def notification_of(user, notification_id) -> Notification:
    """404 for someone else's notification: existence does not leak."""
    return get_object_or_404(Notification, pk=notification_id, recipient=user)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
