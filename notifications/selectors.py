"""Reads of notifications: a person only ever sees their own."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.shortcuts import get_object_or_404

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
    """Both in one query: every signed-in page pays for it, and a query's Python overhead
    (~1 ms) costs more here than the two index lookups it holds."""
    if not getattr(user, "is_authenticated", False):
        return HeaderState(0, "")
    unread = (Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True).order_by()
              .values("recipient").annotate(n=Count("pk")).values("n"))
    problem = (EmailSuppression.objects.annotate(lower=Lower("email"))
               .filter(lower=Lower(OuterRef("email")), cleared_at__isnull=True).values("reason")[:1])
    row = (get_user_model().objects.filter(pk=user.pk)
           .values_list(Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
                        Coalesce(Subquery(problem), Value(""))).first())
    return HeaderState(*row) if row else HeaderState(0, "")
