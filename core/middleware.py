import sentry_sdk


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
