"""The notifications app's personal data (core.privacy): in-app notifications, the emails and
texts sent, preferences, phone verification."""

from core.privacy import Blocker, rows

from .models import (
    EmailSuppression,
    Notification,
    NotificationDelivery,
    NotificationPreference,
    PhoneVerification,
    VerifiedPhone,
)


def export(user) -> dict:
    return {
        "notifications": rows(Notification.objects.filter(recipient=user).order_by("created_at"),
                              "event", "title", "body", "url", "created_at", "read_at"),
        "emails_and_texts_sent": rows(NotificationDelivery.objects.filter(recipient=user).order_by("created_at"),
                                      "channel", "event", "to", "subject", "status", "created_at", "sent_at"),
        "preferences": rows(NotificationPreference.objects.filter(user=user).order_by("event", "channel"),
                            "event", "channel", "enabled"),
        "verified_phone": rows(VerifiedPhone.objects.filter(user=user), "phone", "created_at"),
    }


def erasure_blockers(user) -> list[Blocker]:
    return []


def erase(user) -> None:
    """Everything goes: notifications, the copies of emails and texts (they hold the address
    and the words), preferences, codes, the phone number's claim, and a suppression entry
    for the address. SMS opt-outs (STOP) stay: they belong to the number, not the account,
    and texting a number that opted out is unlawful."""
    NotificationDelivery.objects.filter(recipient=user).delete()
    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    PhoneVerification.objects.filter(user=user).delete()
    VerifiedPhone.objects.filter(user=user).delete()
    EmailSuppression.objects.filter(email__iexact=user.email).delete()
