"""Thin Celery tasks: load by id, call a service."""

from celery import shared_task

from payments import services as money
from payments.tasks import RETRY

from . import services


@shared_task(name="disputes.advance_due", acks_late=True)
def advance_due_task():
    return services.disputes_advance_due()


# Fee refunds are payments Refunds now (same pk, same idempotency key). The old task name
# stays registered so a message queued before the deploy still runs, on the one path.
@shared_task(name="disputes.fee_refund_execute", **RETRY)
def fee_refund_execute_task(fee_refund_id: str):
    return money.refund_execute(fee_refund_id).status
