"""Money notifications. Sent inside the caller's transaction (notifications' contract: the
rows commit or roll back with the change, delivery happens after commit), in a savepoint
so that a notification problem can never undo or block a money movement."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def send(event: str, recipients, context: dict, target=None, *, key: str = "") -> None:
    from notifications import notify

    try:
        with transaction.atomic():
            notify(event, recipients, context, target, key=key)
    except Exception:
        logger.exception("notify(%s) failed; the money action itself went through", event)
