"""Production settings: refuse to start on anything unsafe, harden every header."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, PAYMENT_GATEWAY, REDIS_URL, SITE_URL, env


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ImproperlyConfigured(f"Production settings refused to start: {message}")


_require("SECRET_KEY" in env.ENVIRON and len(env("SECRET_KEY")) >= 50, "SECRET_KEY must be set (50+ characters).")
_require(not env.bool("DEBUG", default=False), "DEBUG must be off.")
_require(
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql",
    "DATABASE_URL must point at PostgreSQL (SQLite is for the embedded default only).",
)
_require(bool(REDIS_URL), "REDIS_URL must be set (cache, rate limits and Celery broker).")
_require(PAYMENT_GATEWAY == "stripe", "PAYMENT_GATEWAY must be 'stripe'; the simulated gateway moves no money.")
_require(
    bool(env("STRIPE_SECRET_KEY", default="")) and bool(env("STRIPE_WEBHOOK_SECRET", default="")),
    "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set.",
)
_require(SITE_URL.startswith("https://"), "SITE_URL must be an https:// address.")
_require(
    not env.bool("WEBHOOKS_ALLOW_PRIVATE_NETWORKS", default=False),
    "WEBHOOKS_ALLOW_PRIVATE_NETWORKS must be off (outbound webhooks would reach internal addresses).",
)

DEBUG = False
WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

# TLS terminates at the load balancer, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
# Health checks come from the load balancer over plain HTTP inside the VPC.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "format": '{"time": "%(asctime)s", "level": "%(levelname)s", "logger": "%(name)s", "message": "%(message)s"}'
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
