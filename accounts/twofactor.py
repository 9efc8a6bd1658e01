"""Two-factor sign-in (django-allauth's MFA: TOTP plus recovery codes).

Everyone may turn it on (Settings -> Two-factor). Staff and superusers must: they move
money and decide disputes in the admin. StaffTwoFactorMiddleware enforces it on every
request of a signed-in staff member:

- no TOTP authenticator yet: every page redirects to the enrolment page (the API answers
  403), except the pages needed to enrol or to sign out;
- enrolled, but this session was not confirmed with a code (signed in before enrolling,
  or by any path that skipped allauth's code step): the admin redirects to allauth's
  "confirm with your authenticator" page and opens only after it.
Admin sign-in itself goes through allauth's login (accounts -> code), never Django's
password-only admin form (fairtrade/urls.py wraps admin.site.login).
"""

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from core.api import json_error

# Paths a staff member without two-factor can still use: enrol, confirm, sign out, assets.
_OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/accounts/reauthenticate/", "/static/", "/media/")


def needs_two_factor(user) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def has_authenticator(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk).exists()


def session_used_two_factor(request) -> bool:
    """True when this session's sign-in (or a later confirmation) included a code."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and needs_two_factor(user) and not request.path.startswith(_OPEN_PREFIXES):
            response = self._gate(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _gate(self, request, user):
        if not has_totp(user):
            message = "Staff accounts need two-factor authentication. Set up an authenticator app to continue."
            if request.path.startswith("/api/"):
                return json_error(request, "permission_denied", message, 403)
            messages.warning(request, message)
            return redirect(reverse("mfa_activate_totp"))
        if request.path.startswith("/admin/") and not session_used_two_factor(request):
            messages.info(request, "Confirm it is you with a code from your authenticator app to open the admin.")
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}")
        return None
