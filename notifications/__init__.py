"""Notifications. Other apps call `from notifications import notify` (see services.notify)."""


def notify(event, recipients, context=None, target=None, *, key=""):
    """notify(event, recipients, context, target=None, *, key=""): see notifications.services."""
    from .services import notify as _notify

    return _notify(event, recipients, context, target, key=key)
