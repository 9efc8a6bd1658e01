"""Production settings refuse unsafe configurations and pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

GOOD_ENV = {
    "DJANGO_SETTINGS_MODULE": "fairtrade.settings.production",
    "SECRET_KEY": "p" * 20 + "-production-like-secret-key-with-entropy-0123456789",
    "DATABASE_URL": "postgres://app:secret@db.internal:5432/fairtrade",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "PAYMENT_GATEWAY": "stripe",
    "STRIPE_SECRET_KEY": "sk_test_dummy",
    "STRIPE_WEBHOOK_SECRET": "whsec_dummy",
    "SITE_URL": "https://fairtradeworker.example",
    "ALLOWED_HOSTS": "fairtradeworker.example",
}


def run_manage(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    env = {k: v for k, v in os.environ.items() if k not in GOOD_ENV and k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(GOOD_ENV)
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_production_like_environment():
    result = run_manage({}, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "DATABASE_URL must point at PostgreSQL"),
        ({"DATABASE_URL": None}, "DATABASE_URL must point at PostgreSQL"),
        ({"PAYMENT_GATEWAY": "simulated"}, "PAYMENT_GATEWAY must be 'stripe'"),
        ({"STRIPE_WEBHOOK_SECRET": None}, "STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set"),
        ({"REDIS_URL": None}, "REDIS_URL must be set"),
        ({"SITE_URL": "http://insecure.example"}, "SITE_URL must be an https"),
    ],
)
def test_production_refuses_to_start(override, message):
    result = run_manage(override, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_security_headers_configuration():
    result = run_manage(
        {},
        "shell",
        "--verbosity=0",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.X_FRAME_OPTIONS, "
        "s.PASSWORD_HASHERS[0].rsplit('.', 1)[1], s.DATABASES['default']['OPTIONS']['pool']['max_size'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "True", "True", "Lax", "DENY", "SingleLaneArgon2PasswordHasher", "10"]
