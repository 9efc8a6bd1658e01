# syntax=docker/dockerfile:1.7
# FairTradeWorker application image: one image for web, worker, beat and migrate
# (docker/entrypoint.sh picks the process). Build: docker build -t fairtrade .
#
#   builder  compilers + headers; installs the pinned requirements into /opt/venv
#   runtime  python slim + /opt/venv + the code; static files collected at build time;
#            no compilers, no package manager caches, runs as uid 10001.

# ---------------------------------------------------------------------------
FROM python:3.11.11-slim-bookworm AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

# Only needed when a dependency has no wheel for this platform; never shipped.
# The builder stage is thrown away, so its apt packages follow the base image.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential libpq-dev \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-compile -r /tmp/requirements.txt

# ---------------------------------------------------------------------------
FROM python:3.11.11-slim-bookworm AS runtime

LABEL org.opencontainers.image.title="fairtradeworker" \
      org.opencontainers.image.description="FairTradeWorker Django application (web, worker, beat, migrate)" \
      org.opencontainers.image.source="https://github.com/fairtradeworker/fairtradeworker"

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    APP_HOME=/app \
    PORT=8000 \
    DJANGO_SETTINGS_MODULE=fairtrade.settings.production

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
COPY --chown=app:app . /app

# Static files are collected into the image (whitenoise serves them with a manifest).
# Production settings refuse to load without their secrets, so this one command gets
# obviously fake values; none of them end up in the image's environment.
RUN SECRET_KEY="collectstatic-only-$(printf '%050d' 0)" \
    DATABASE_URL="postgres://build@127.0.0.1:5432/build" \
    REDIS_URL="redis://127.0.0.1:6379/0" \
    ALLOWED_HOSTS="build.invalid" \
    SITE_URL="https://build.invalid" \
    PAYMENT_GATEWAY="stripe" \
    STRIPE_SECRET_KEY="build-placeholder" \
    STRIPE_WEBHOOK_SECRET="build-placeholder" \
    python manage.py collectstatic --noinput \
    && python -m compileall -q /app /opt/venv \
    && mkdir -p /app/var \
    && chown -R app:app /app/var /app/staticfiles \
    && chmod 0755 /app/docker/entrypoint.sh

USER 10001:10001

EXPOSE 8000
STOPSIGNAL SIGTERM

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py", "web"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
