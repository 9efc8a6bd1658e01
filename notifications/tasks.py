"""Thin Celery tasks: load by id, call the delivery service."""

from celery import shared_task

from . import delivery


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True,
             time_limit=delivery.DELIVER_TIME_LIMIT, soft_time_limit=delivery.DELIVER_TIME_LIMIT - 10)
def deliver(delivery_id: str) -> None:
    retry_in = delivery.send(delivery_id)
    if retry_in:
        # Exponential backoff; the claim refuses a run before next_attempt_at, so an early
        # or duplicate run (and the eager mode of the embedded default) sends nothing.
        deliver.apply_async((delivery_id,), countdown=retry_in)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def sweep_deliveries() -> dict:
    return delivery.sweep()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_batched_emails() -> int:
    from .batching import send_batched_emails as run

    return run()
