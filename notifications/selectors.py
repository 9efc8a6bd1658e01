"""Reads of notifications: a person only ever sees their own."""

from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.shortcuts import get_object_or_404

from core.rawsql import bind, name

from .models import EmailSuppression, Notification


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


@dataclass(frozen=True)
class HeaderState:
    """What every signed-in page's header shows: the bell's count and, when the person's
    address bounced or complained, the reason (else "")."""

    unread: int
    email_problem: str


def header_state(user) -> HeaderState:
    """Both in one hand-written query: every signed-in page runs it, and building the same
    query with the ORM (two subqueries) cost ~2.7 ms of CPU against 0.2 ms for this text
    (measured on the scale data)."""
    if not getattr(user, "is_authenticated", False):
        return HeaderState(0, "")
    with connection.cursor() as cursor:
        cursor.execute(_header_sql(), [bind(user.pk), user.email])
        unread, reason = cursor.fetchone()
    return HeaderState(unread or 0, reason or "")


@cache
def _header_sql() -> str:
    """Table and column names from the models, quoted; the values are bound parameters."""
    notes, recipient, read_at = name(Notification), name(Notification, "recipient"), name(Notification, "read_at")
    bounces, reason = name(EmailSuppression), name(EmailSuppression, "reason")
    email, cleared_at = name(EmailSuppression, "email"), name(EmailSuppression, "cleared_at")
    unread = f"SELECT COUNT(*) FROM {notes} WHERE {recipient} = %s AND {read_at} IS NULL"  # noqa: S608 # nosec B608
    problem = f"SELECT {reason} FROM {bounces} WHERE LOWER({email}) = LOWER(%s) AND {cleared_at} IS NULL LIMIT 1"  # noqa: S608 # nosec B608
    return f"SELECT ({unread}), ({problem})"
