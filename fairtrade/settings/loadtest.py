"""Settings for `make loadtest` / `make stress` only: production, exactly, minus two things a
machine without TLS or Stripe cannot have.

The production module is imported unchanged (every hardening and every check it makes), fed
placeholder Stripe and https values so its refusals pass, then two things are relaxed for
this run and nowhere else: payments use the simulated gateway (no money moves), and the site
is served over plain HTTP on 127.0.0.1 (no TLS redirect, no Secure-only cookies). Production
itself still refuses the simulated gateway.
"""

import os

for _name, _value in {
    "PAYMENT_GATEWAY": "stripe",
    "STRIPE_SECRET_KEY": "sk_test_loadtest_placeholder",
    "STRIPE_WEBHOOK_SECRET": "whsec_loadtest_placeholder",
    "SITE_URL": "https://loadtest.invalid",
}.items():
    os.environ[_name] = _value

from .production import *  # noqa: E402, F403

PAYMENT_GATEWAY = "simulated"
SITE_URL = os.environ.get("LOADTEST_SITE_URL", "http://127.0.0.1:8800")
CSRF_TRUSTED_ORIGINS = [SITE_URL]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# First, so that it measures every other middleware too (see the class).
MIDDLEWARE = ["core.middleware.ServerTimingMiddleware", *MIDDLEWARE]  # noqa: F405
