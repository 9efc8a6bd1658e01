"""The sweeper: re-queue releases and refunds left pending (a lost task, a worker killed
mid-flight, a broker restart). Safe to run any number of times: each task re-checks its
row under a lock and repeats the provider call with the row's own idempotency key.

Payments with a Checkout Session need no sweeper: Stripe retries undelivered webhooks for
three days, and the homeowner's return from Checkout shows the payment as processing until
one arrives. A payment row whose Checkout was never opened (the process died between the
row and the provider call) is expired after CHECKOUT_NEVER_OPENED, freeing the milestone
for a new attempt: nobody can have paid it, Stripe has no session for it.
"""

from datetime import timedelta

from django.utils import timezone

from ..models import Payment, Refund, Release
from .funding import payment_mark_expired

# A release or refund lost with a killed worker is re-queued within two minutes (this plus
# the 60-s schedule). Re-running a live one is safe: the row lock and the provider's
# idempotency key make a second run a no-op.
STALE_AFTER = timedelta(minutes=1)
CHECKOUT_NEVER_OPENED = timedelta(minutes=30)


def sweep_stuck(*, now=None) -> dict:
    from ..tasks import refund_execute_task, release_execute_task

    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    releases = list(Release.objects.filter(status=Release.Status.PENDING, updated_at__lt=cutoff)
                    .values_list("pk", flat=True)[:500])
    for pk in releases:
        release_execute_task.delay(str(pk))
    refunds = list(Refund.objects.filter(status=Refund.Status.PENDING, updated_at__lt=cutoff)
                   .values_list("pk", flat=True)[:500])
    for pk in refunds:
        refund_execute_task.delay(str(pk))
    # Pending refunds include those Stripe reported pending: the task polls them.
    orphans = list(Payment.objects.filter(status=Payment.Status.PENDING, checkout_session_id=None,
                                          created_at__lt=now - CHECKOUT_NEVER_OPENED).values_list("pk", flat=True)[:500])
    for pk in orphans:
        payment_mark_expired(payment_id=pk, only_if_never_opened=True)
    return {"releases": len(releases), "refunds": len(refunds), "payments_expired": len(orphans)}
