"""Thin Celery tasks: load by id, call a service."""

from celery import shared_task

from payments.gateways import GatewayUnavailable

from . import services


@shared_task(name="disputes.advance_due", acks_late=True)
def advance_due_task():
    return services.disputes_advance_due()


# Same retry policy as payments' release/refund tasks: backoff, SAME idempotency key.
@shared_task(name="disputes.fee_refund_execute", acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(GatewayUnavailable,), retry_backoff=30, retry_backoff_max=3600, retry_jitter=True,
             max_retries=12)
def fee_refund_execute_task(fee_refund_id: str):
    return services.fee_refund_execute(fee_refund_id).status


@shared_task(name="disputes.fee_refunds_sweep", acks_late=True)
def fee_refunds_sweep_task():
    return services.fee_refunds_sweep()
