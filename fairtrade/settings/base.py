"""Settings shared by every environment.

Everything comes from the environment (django-environ). With no environment at all the
site runs on the embedded default: SQLite in var/, eager Celery, console email and SMS,
simulated payments, local media and an in-process cache. Each variable below switches
one part to its production component; the README lists them all.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# A development-only key; production.py refuses to start unless SECRET_KEY is set.
SECRET_KEY = env("SECRET_KEY", default="insecure-embedded-default-key-change-me-0123456789abcdef")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "FairTradeWorker"
# Proxies of ours in front of the app that append to X-Forwarded-For (the ALB: 1). With 0
# the header is ignored and REMOTE_ADDR is the client. One number for every reader of the
# client address (core.clientip, DRF throttles, allauth's rate limits), so they never disagree.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = NUM_PROXIES

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "core",
    "audit",
    "accounts",
    "jobs",
    "bids",
    "contracts",
    "payments",
    "disputes",
    "reviews",
    "notifications",
    "analytics",
    "messaging",
    "dashboard",
    "webhooks",
    "credentials",
    "directory",
    "moderation",
]

MIDDLEWARE = [
    "core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.StaticPolicyCSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.twofactor.StaffTwoFactorMiddleware",
    "notifications.security.KnownDeviceMiddleware",
    "core.middleware.SentryUserMiddleware",
    "core.middleware.UserTimezoneMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "core.middleware.ApiErrorMiddleware",
    # After authentication (keys are per token or session user); see core/idempotency.py.
    "core.idempotency.IdempotencyMiddleware",
    # Axes last, as its docs require, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fairtrade.urls"
WSGI_APPLICATION = "fairtrade.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
            "builtins": ["core.templatetags.money", "core.templatetags.forms", "core.templatetags.urls"],
        },
    }
]

# --- Database -------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,  # seconds: the busy timeout
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3's server-side pool: connections are reused across requests without
    # the stale-connection pitfalls of CONN_MAX_AGE (the two cannot be combined).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
        "timeout": 10,
    }
    # Values travel apart from the SQL (server-side binding), so PostgreSQL can keep a query's
    # plan: psycopg prepares a statement the 5th time a connection runs it and reuses it from
    # then on. Measured on the scale data over a mix of signed-in pages: PostgreSQL's CPU per
    # page 4.0 -> 1.9 ms, Django's ~1.5 ms less (no quoting of values into the SQL). Django
    # leaves prepared statements off by default for pgbouncer in transaction mode; the pool
    # here is in-process, and a pooler put in front would need max_prepared_statements.
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several people at once (make run, demos): WAL lets reads
    # go on during a write, BEGIN IMMEDIATE takes the write lock at the start of a
    # transaction (a deferred one that later upgrades can fail at once with "database is
    # locked"), and the busy timeout makes a second writer wait instead of erroring.
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery --------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
from redis.backoff import NoBackoff  # noqa: E402
from redis.retry import Retry  # noqa: E402

if REDIS_URL:
    # Fails open (core.cache): with Redis unreachable, pages and API reads keep answering
    # without caching or rate limiting. Short socket timeouts bound what an outage costs.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ftw",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry": Retry(NoBackoff(), 0)},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Celery's Django fixup closes the database connection before and after every task, and with
# psycopg's pool in a prefork worker the whole pool with it: each task opened a new PostgreSQL
# connection, whose backend plans its first queries with cold catalog caches (4-6 ms instead
# of ~1 ms for a contract query; ~1,700 new connections in a 3-minute load test). With this
# set it closes them every 1,000 tasks; fairtrade/celery.py returns the connection to the
# pool around each task instead, as Django does around each request.
CELERY_DB_REUSE_MAX = 1000
CELERY_TIMEZONE = "UTC"
# Periodic jobs: each app declares its own in <app>/schedule.py; fairtrade/schedule.py lists them.
from fairtrade.schedule import BEAT_SCHEDULE  # noqa: E402

CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.EmailBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "accounts.hashers.SingleLaneArgon2PasswordHasher",  # Argon2id; why one lane: accounts/hashers.py
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
PASSWORD_RESET_TIMEOUT = 60 * 60  # reset links live one hour

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 1
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[FairTradeWorker] "
# Per-account lockout is axes's job (10 failures); allauth only slows one IP spraying many accounts.
# Successful sign-ins per IP stay at allauth's 30/min; the load test (every simulated person on
# 127.0.0.1) raises it through LOGIN_RATE_IP for its own run only.
ACCOUNT_RATE_LIMITS = {"login_failed": "30/m/ip", "login": env("LOGIN_RATE_IP", default="30/m/ip")}

# Two-factor (allauth.mfa): TOTP apps plus single-use recovery codes; optional for everyone,
# required for staff (accounts/twofactor.py). A code counts for one 30 s step either side.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10

AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.backends.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# Lockout is per account on purpose. Per-IP protection against password spraying comes
# from allauth's login_failed rate limit (per IP), the API's auth throttle and the WAF;
# an IP lockout here would lock out every user behind one office NAT.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- Security headers -----------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "core.views.csrf_failure"  # JSON under /api/, the site's page elsewhere
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Database sessions read by hand (core/sessions.py); never in Redis (see README, Degradation).
SESSION_ENGINE = "core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, "https://checkout.stripe.com", "https://connect.stripe.com"],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- I18N, static, media --------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"

AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    # Private objects with random keys, served only through short-lived presigned URLs
    # (no custom domain: a CDN URL would be unsigned and evidence files are private).
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "region_name": env("AWS_S3_REGION_NAME", default="us-east-1"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 600,
            "file_overwrite": False,
            # No per-object encryption header: the bucket's default KMS key applies.
            "signature_version": "s3v4",
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "core.staticfiles.RememberingManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Email and SMS --------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="FairTradeWorker <no-reply@fairtradeworker.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SENDGRID_API_KEY = env("SENDGRID_API_KEY", default="")
ANYMAIL = {
    "SENDGRID_API_KEY": SENDGRID_API_KEY,
    "WEBHOOK_SECRET": env("ANYMAIL_WEBHOOK_SECRET", default=""),
}
if SENDGRID_API_KEY:
    EMAIL_BACKEND = "anymail.backends.sendgrid.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER", default="")
SMS_BACKEND = "twilio" if TWILIO_ACCOUNT_SID else "console"

# --- Payments and marketplace rules ---------------------------------------------------
PAYMENT_GATEWAY = env("PAYMENT_GATEWAY", default="simulated")
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
PLATFORM_FEE_BPS = env.int("PLATFORM_FEE_BPS", default=500)
AUTO_APPROVE_DAYS = env.int("AUTO_APPROVE_DAYS", default=14)
# Messages: in-app at once, email gathered over this window so a burst is one email.
NOTIFY_EMAIL_BATCH_SECONDS = env.int("NOTIFY_EMAIL_BATCH_SECONDS", default=600)

# --- API ------------------------------------------------------------------------------
# Outbound webhooks may target private, loopback and link-local addresses (and http:// on
# loopback) only in development and tests; production.py forces this off (SSRF).
WEBHOOKS_ALLOW_PRIVATE_NETWORKS = env.bool("WEBHOOKS_ALLOW_PRIVATE_NETWORKS", default=False)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.negotiation.ContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "core.api.CursorPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "fairtrade.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.IPReadThrottle",
        "core.throttling.IPWriteThrottle",
        "core.throttling.TokenReadThrottle",
        "core.throttling.TokenWriteThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "ip_read": env("API_RATE_IP_READ", default="300/min"),
        "ip_write": env("API_RATE_IP_WRITE", default="60/min"),
        "token_read": env("API_RATE_TOKEN_READ", default="600/min"),
        "token_write": env("API_RATE_TOKEN_WRITE", default="120/min"),
        "auth": env("API_RATE_AUTH", default="10/min"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FairTradeWorker partner API",
    # Scopes, errors, idempotency, webhooks and the client, written once in docs/partner-api.md.
    "DESCRIPTION": (BASE_DIR / "docs" / "partner-api.md").read_text(encoding="utf-8"),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from our own static files (no CDN at run time).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Reports have their own `reason` and kind choices (disputes have a `reason` too).
    "ENUM_NAME_OVERRIDES": {
        "ReportReasonEnum": "moderation.models.ReportReason",
        "ReportTargetKindEnum": "moderation.models.TargetKind",
    },
}

# --- Logging and errors ---------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="development")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.1)
SENTRY_RELEASE = env("SENTRY_RELEASE", default="")

from core.observability import init_sentry  # noqa: E402

init_sentry(
    dsn=SENTRY_DSN,
    environment=SENTRY_ENVIRONMENT,
    traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    release=SENTRY_RELEASE or None,
)
