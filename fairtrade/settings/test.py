"""Test settings: the embedded default, made fast and deterministic.

DATABASE_URL and REDIS_URL still switch to PostgreSQL and Redis (CI sets both).
"""

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL, env

DEBUG = False
# Argon2 is the production hasher (base.py); tests hash thousands of passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if REDIS_URL:
    # Separate keyspace so a test run never touches a developer's cache.
    # Separate per xdist worker too: cached anonymous pages must not cross test databases.
    CACHES["default"]["KEY_PREFIX"] = "ftw-test-" + env("PYTEST_XDIST_WORKER", default="main")
ALLOWED_HOSTS = ["*"]
SITE_URL = "http://testserver"
AXES_ENABLED = True
WHITENOISE_AUTOREFRESH = True  # no collectstatic needed for tests
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
