"""Thin Celery tasks: load by id, call a service. Provider outages are retried with
exponential backoff and the SAME idempotency key (it comes from the row, not the attempt)."""

from celery import shared_task

from . import services
from .gateways import GatewayUnavailable

RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (GatewayUnavailable,),
    "retry_backoff": 30,
    "retry_backoff_max": 60 * 60,
    "retry_jitter": True,
    "max_retries": 12,
}


@shared_task(name="payments.release_execute", **RETRY)
def release_execute_task(release_id: str):
    release = services.release_execute(release_id)
    return release.status


@shared_task(name="payments.refund_execute", **RETRY)
def refund_execute_task(refund_id: str):
    refund = services.refund_execute(refund_id)
    return refund.status


@shared_task(name="payments.sweep_stuck", acks_late=True)
def sweep_stuck_task():
    return services.sweep_stuck()


@shared_task(name="payments.reconcile", acks_late=True)
def reconcile_task():
    run = services.reconcile()
    return {"ok": run.ok, "differences": len(run.differences)}
