"""Email login for Django admin and the API, plus the hooks axes needs."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.shortcuts import render

from core.api import json_error


class EmailBackend(ModelBackend):
    """Case-insensitive email + password (admin posts it as `username`)."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        login = (email or username or "").strip()
        if not login or password is None:
            return None
        user_model = get_user_model()
        try:
            user = user_model.objects.get(email__iexact=login)
        except user_model.DoesNotExist:
            user_model().set_password(password)  # same cost as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request, credentials):
    """One lockout counter per account, whichever login form was used."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None:
        data = getattr(request, "POST", {})
        value = data.get("login") or data.get("username") or data.get("email")
    return (value or "").strip().lower() or None


def lockout_response(request, credentials, *args, **kwargs):
    message = "Too many failed sign-in attempts. This account is locked for 30 minutes; try again later or reset your password."
    if request.path.startswith("/api/"):
        response = json_error(request, "rate_limited", message, 429)
        response["Retry-After"] = "1800"
        return response
    return render(request, "account/lockout.html", {"message": message}, status=429)
