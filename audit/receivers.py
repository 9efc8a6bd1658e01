"""Authentication events arrive as Django/allauth/axes signals; we only record them."""

from allauth.account.signals import (
    email_changed,
    email_confirmed,
    password_changed,
    password_reset,
    user_signed_up,
)
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .services import record


@receiver(user_signed_up)
def _signed_up(sender, request, user, **kwargs):
    record(user, "account.signup", user, request, role=user.role)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(user, "auth.login", user, request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(user, "auth.logout", user, request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    email = (credentials.get("email") or credentials.get("username") or credentials.get("login") or "").strip()
    user = get_user_model().objects.filter(email__iexact=email).first() if email else None
    # The attempted address is kept only when it belongs to an account.
    record(None, "auth.login_failed", user, request, email=email if user else None)


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    user = get_user_model().objects.filter(email__iexact=username or "").first()
    record(None, "auth.locked_out", user, request)


@receiver(password_changed)
def _password_changed(sender, request, user, **kwargs):
    record(user, "auth.password_changed", user, request)


@receiver(password_reset)
def _password_reset(sender, request, user, **kwargs):
    record(user, "auth.password_reset", user, request)


@receiver(email_confirmed)
def _email_confirmed(sender, request, email_address, **kwargs):
    record(email_address.user, "account.email_verified", email_address.user, request)


@receiver(email_changed)
def _email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    record(user, "account.email_changed", user, request)
