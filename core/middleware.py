import time

import sentry_sdk
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


class SentryUserMiddleware:
    """Attach the user id (never the email) to errors reported from this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            sentry_sdk.set_user({"id": str(user.pk)})
        return self.get_response(request)


class HealthCheckMiddleware:
    """Answer /healthz and /readyz before host validation and HTTPS redirects.

    The load balancer and the container health check address tasks by private IP (which is
    not in ALLOWED_HOSTS) over plain HTTP inside the VPC; these two endpoints reveal nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from . import health

        if request.method in ("GET", "HEAD"):
            if request.path == "/healthz":
                return health.healthz(request)
            if request.path == "/readyz":
                return health.readyz(request)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """PostgreSQL unreachable: the designed error page (or the API's error shape) with 503
    and Retry-After, never a stack trace or a generic 500. Logged at error level once per
    request so monitoring sees the outage."""

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError

        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        import logging

        from .views import service_unavailable

        logging.getLogger("core.database").error("database unavailable: %s", exception)
        response = service_unavailable(request)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response


class ApiErrorMiddleware:
    """Under DEBUG, an unhandled exception in /api/ still answers the API's error shape.

    Without DEBUG Django calls handler500 (core.views.server_error), which already does; with
    DEBUG it renders the HTML technical page, which partners' clients cannot parse. The
    exception is logged with its traceback and reported like any other.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.conf import settings
        from django.core.signals import got_request_exception

        from .api import json_error

        if not settings.DEBUG or not request.path.startswith("/api/"):
            return None
        import logging

        logging.getLogger("django.request").error("Internal Server Error: %s", request.path, exc_info=exception)
        got_request_exception.send(sender=None, request=request)
        return json_error(request, "server_error", "An error occurred on our side and our team has been told.", 500)


class UserTimezoneMiddleware:
    """Show times in the signed-in person's time zone (User.time_zone: set from their ZIP
    code, changeable in settings); anonymous visitors and unknown zones see UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import timezone

        from .timezones import zone_or_none

        user = getattr(request, "user", None)
        zone = zone_or_none(getattr(user, "time_zone", "")) if user is not None and user.is_authenticated else None
        if zone is None:
            timezone.deactivate()
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)


class ServerTimingMiddleware:
    """`Server-Timing: cpu;dur=<ms>`: the CPU this request's thread used, for the load test's
    per-endpoint CPU figures (gunicorn logs the header). Wall time under load mixes in waiting
    for the GIL and the other cores; thread CPU time does not. Enabled only by the load-test
    settings: it would tell any client how much work a request costs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.thread_time()
        response = self.get_response(request)
        response["Server-Timing"] = f"cpu;dur={(time.thread_time() - started) * 1000:.1f}"
        return response


_STATIC_POLICIES: list = []


@receiver(setting_changed)
def _forget_static_policies(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _STATIC_POLICIES.clear()


def _static_policies():
    """(header, policy, excluded path prefixes) for the enforced and the report-only policy."""
    if not _STATIC_POLICIES:
        for header, report_only, name in ((HEADER, False, "CONTENT_SECURITY_POLICY"),
                                          (HEADER_REPORT_ONLY, True, "CONTENT_SECURITY_POLICY_REPORT_ONLY")):
            excluded = tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
            _STATIC_POLICIES.append((header, build_policy(report_only=report_only), excluded))
    return _STATIC_POLICIES


class StaticPolicyCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with the policy strings built once instead of on every response.

    Stock django-csp rebuilds both policies (enforced and report-only) from settings for each
    response: about a sixth of what a page served from the page cache costs. Our pages use
    neither nonces nor per-view overrides, so the strings are the same for every request; a
    request that asked for a nonce, a response with a django-csp decorator's override, and
    DEBUG's error pages still take django-csp's own path."""

    _OVERRIDES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
                  "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro")

    def process_response(self, request, response):
        nonce_used = getattr(request, "_csp_nonce", None) is not None
        if nonce_used or settings.DEBUG or any(hasattr(response, name) for name in self._OVERRIDES):
            return super().process_response(request, response)
        for header, policy, excluded in _static_policies():
            if policy and header not in response and not request.path_info.startswith(excluded):
                response[header] = policy
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
