"""Telling staff that money needs a human: audit log entry + Sentry event + error log."""

import logging

import sentry_sdk

import audit

logger = logging.getLogger("payments.alerts")


def alert_staff(action: str, target, message: str, **data) -> None:
    audit.record(None, action, target, message=message, **data)
    logger.error("%s: %s %s", action, message, data)
    sentry_sdk.capture_message(
        f"[payments] {message}", level="error", tags={"payments.alert": action},
        extras={key: str(value) for key, value in data.items()},
    )
