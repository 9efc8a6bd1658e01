"""The transactional outbox: services record events; a higher layer turns them into messages.

    from core import outbox
    outbox.emit("milestone.funded", milestone)      # inside the service's transaction

The row commits or rolls back with the change it describes (never an event for a change that
did not happen, never a change without its event). After commit, every subscriber is handed
the event id; the webhooks app subscribes in its AppConfig.ready() and queues a Celery task.
A periodic sweep re-hands rows left unprocessed (a worker died, the broker was down), so
delivery is at-least-once. Subscribers must be idempotent per event id.

Dependencies point down: core knows nothing of webhooks; webhooks registers itself here.
"""

from collections.abc import Callable

from django.db import transaction

from .models import OutboxEvent

_subscribers: list[Callable[[str], None]] = []


def subscribe(handler: Callable[[str], None]) -> None:
    """Register a callable taking an OutboxEvent id (as str), called after each commit."""
    if handler not in _subscribers:
        _subscribers.append(handler)


def emit(event_type: str, obj, *, data: dict | None = None) -> OutboxEvent:
    event = OutboxEvent.objects.create(
        event_type=event_type,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )
    transaction.on_commit(lambda: dispatch(str(event.pk)))
    return event


def dispatch(event_id: str) -> None:
    for handler in list(_subscribers):
        handler(event_id)
