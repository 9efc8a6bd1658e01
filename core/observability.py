"""Sentry, only when a DSN is configured. No personal data leaves: user id only."""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def _strip_pii(event, hint):
    user = event.get("user")
    if user:
        event["user"] = {"id": user["id"]} if "id" in user else {}
    return event


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float, release: str | None, transport=None) -> bool:
    if not dsn:
        return False
    options = {
        "dsn": dsn,
        "environment": environment,
        "release": release,
        "traces_sample_rate": traces_sample_rate,
        "send_default_pii": False,
        "integrations": [DjangoIntegration(), CeleryIntegration(monitor_beat_tasks=True)],
        "before_send": _strip_pii,
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)
    return True
