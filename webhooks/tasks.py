"""Thin Celery tasks: load by id, call a service."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(name="webhooks.fanout", **TASK_OPTIONS)
def fanout(event_id: str) -> int:
    message_ids = services.fanout(event_id)
    for message_id in message_ids:
        attempt.delay(str(message_id))
    return len(message_ids)


@shared_task(name="webhooks.attempt", **TASK_OPTIONS)
def attempt(message_id: str, triggered_by: str = "schedule") -> None:
    services.message_attempt(message_id, triggered_by=triggered_by)


@shared_task(name="webhooks.sweep", **TASK_OPTIONS)
def sweep() -> dict:
    """Every minute: events left unprocessed (a lost task, a broker outage) and messages whose
    next retry is due. Both services are idempotent and claim rows, so overlap is harmless."""
    events = services.stale_event_ids()
    for event_id in events:
        fanout.delay(str(event_id))
    due = services.due_message_ids()
    for message_id in due:
        attempt.delay(str(message_id))
    return {"events": len(events), "messages": len(due)}


def enqueue_fanout(event_id: str) -> None:
    """core.outbox subscriber (after commit). A failure to enqueue or build (in eager mode the
    task runs inline) must not break the request that made the change: the sweep retries it."""
    try:
        fanout.delay(event_id)
    except Exception:
        logger.exception("webhooks: fan-out of outbox event %s failed; the sweep will retry", event_id)
