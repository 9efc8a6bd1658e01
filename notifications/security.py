"""Security alerts: an email (always sent) and an in-app notice whenever something changes
who can get into an account.

    password changed / reset (with the API tokens that went with the old password),
    email changed (to the new address and the old one), lockout after failed sign-ins,
    new API token, sign-in from a browser not seen before, account closed.

allauth and axes announce most of these only as signals (receivers below); API tokens and
account closing are announced by their entry points (accounts views and API). A completed
password reset also lifts the axes lockout of that account: the lockout message tells the
person to reset their password, so doing so must work.
"""

import hashlib
import logging
import time

from allauth.account.signals import email_changed, password_changed, password_reset
from axes.signals import user_locked_out
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditLog
from core.clientip import client_ip

from . import events as catalogue
from .events import EMAIL
from .models import NotificationDelivery
from .rendering import absolute_url, render_event
from .services import enqueue, notify

logger = logging.getLogger(__name__)
EVENT = "account.security_alert"
DEVICE_COOKIE = "ftw_device"
DEVICE_COOKIE_AGE = 60 * 60 * 24 * 365
_DEVICE_SALT = "notifications.security.device"


def security_alert(user, change: str, *, request=None, key: str = "", **details):
    """Queue the alert for `user`; `details` are the event's optional keys (events.py)."""
    context = {"change": change, "url": reverse("notifications:list"),
               "reset_url": absolute_url(reverse("account_reset_password")),
               "when": timezone.now()}
    context.update({name: value for name, value in details.items() if value not in (None, "")})
    return notify(EVENT, user, context, target=user, key=key)


# --- password ----------------------------------------------------------------------------------
def _tokens_revoked_just_now(user) -> str:
    """Names of the API tokens this password change or reset revoked (accounts revokes them
    in the same request, just before allauth sends its signal)."""
    from accounts.selectors import tokens_revoked_with_password

    latest = tokens_revoked_with_password(user, since=timezone.now() - timezone.timedelta(seconds=60))
    return f"{len(latest)} ({', '.join(latest)})" if latest else ""


@receiver(password_changed)
def _password_changed(sender, request, user, **kwargs):
    security_alert(user, "password_changed", request=request, tokens_revoked=_tokens_revoked_just_now(user))


@receiver(password_reset)
def _password_reset(sender, request, user, **kwargs):
    # The reset proves control of the mailbox: lift the failed-sign-in lockout with it.
    axes_reset(username=user.email.lower())
    security_alert(user, "password_reset", request=request, tokens_revoked=_tokens_revoked_just_now(user))


# --- email ---------------------------------------------------------------------------------------
@receiver(email_changed)
def _email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    old = from_email_address.email if from_email_address else ""
    new = to_email_address.email
    created = security_alert(user, "email_changed", request=request, old_email=old, new_email=new)
    if old and old.lower() != new.lower():
        copy_to_address(created, old)


def copy_to_address(notifications, address: str) -> None:
    """Send the same email to another address (the old one after an email change), so the
    rightful owner hears of it even when the change is the attack."""
    ids = []
    for note in notifications:
        email = note.deliveries.filter(channel=EMAIL).first()
        if email is None:
            continue
        # Not linked to the notification (one delivery per channel each): a separate message.
        copy = NotificationDelivery.objects.create(
            recipient=note.recipient, event=note.event, channel=EMAIL, to=address,
            subject=email.subject, body_text=email.body_text, body_html=email.body_html,
        )
        ids.append(copy.pk)
    if ids:
        transaction.on_commit(lambda: enqueue(tuple(ids)))


# --- lockout -------------------------------------------------------------------------------------
@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    user = get_user_model().objects.filter(email__iexact=username or "").first()
    if user is None:
        return
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    # One alert per lockout period, however many attempts keep hitting the lock.
    period = int(time.time() // (minutes * 60))
    security_alert(user, "locked_out", request=request, key=f"locked-{period}", minutes=minutes)


# --- new API token (called by the web and API entry points) -----------------------------------------
def api_token_created(user, token, *, request=None):
    security_alert(user, "api_token_created", request=request, token_name=token.name)


# --- sign-in from a new browser ------------------------------------------------------------------
def _device_id(user) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{user.pk}".encode()).hexdigest()[:16]


def _known_devices(request) -> list:
    raw = request.COOKIES.get(DEVICE_COOKIE, "")
    try:
        value = signing.loads(raw, salt=_DEVICE_SALT) if raw else []
    except signing.BadSignature:
        return []
    return value if isinstance(value, list) else []


def _browser(request) -> str:
    agent = request.META.get("HTTP_USER_AGENT", "")
    for name in ("Edg", "Firefox", "Chrome", "Safari"):
        if name in agent:
            browser = {"Edg": "Edge"}.get(name, name)
            break
    else:
        browser = "an unknown browser"
    for system in ("Windows", "Android", "iPhone", "iPad", "Mac OS X", "Linux"):
        if system in agent:
            return f"{browser} on {system.replace('Mac OS X', 'macOS')}"
    return browser


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "COOKIES"):
        return
    device = _device_id(user)
    known = _known_devices(request)
    if device not in known:
        # The very first sign-in (right after sign-up) has nothing to compare with.
        if AuditLog.objects.filter(actor=user, action="auth.login").count() > 1:
            security_alert(user, "new_device", request=request, device=_browser(request), ip_address=client_ip(request))
        request._ftw_known_devices = [device, *known][:20]


class KnownDeviceMiddleware:
    """Remembers, in a signed cookie, which accounts have signed in with this browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        devices = getattr(request, "_ftw_known_devices", None)
        if devices is not None:
            response.set_cookie(
                DEVICE_COOKIE, signing.dumps(devices, salt=_DEVICE_SALT), max_age=DEVICE_COOKIE_AGE,
                httponly=True, secure=settings.SESSION_COOKIE_SECURE, samesite="Lax",
            )
        return response


# --- account closed ----------------------------------------------------------------------------
def account_closed_message(user):
    """Render the goodbye email while the person's address still exists; send it with
    send_account_closed() after the erasure commits (their rows are gone by then)."""
    rendered = render_event(catalogue.get(EVENT), user, {"change": "account_closed"})
    return user.email, rendered


def send_account_closed(message) -> None:
    address, rendered = message

    def send():
        mail = EmailMultiAlternatives(rendered.subject, rendered.text, settings.DEFAULT_FROM_EMAIL, [address])
        mail.attach_alternative(rendered.html, "text/html")
        try:
            mail.send()
        except Exception:
            logger.exception("could not send the account-closed email")

    transaction.on_commit(send)
