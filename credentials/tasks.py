from celery import shared_task
from django.utils import timezone

from . import services
from .models import Credential


@shared_task(name="credentials.expiry_sweep", acks_late=True, reject_on_worker_lost=True)
def expiry_sweep() -> dict:
    """Daily-ish: mark credentials whose date has come expired, then send the 30/7/1-day
    reminders that are due. Both steps are idempotent, so running it hourly is harmless."""
    today = timezone.localdate()
    expired = 0
    due_ids = Credential.objects.filter(
        status__in=[Credential.Status.SUBMITTED, Credential.Status.VERIFIED], expires_on__lte=today
    ).values_list("pk", flat=True)
    for pk in list(due_ids):
        expired += services.credential_expire(credential_id=pk)
    reminded = 0
    for pk, days in services.due_reminders(today):
        reminded += services.credential_remind(credential_id=pk, days_before=days)
    return {"expired": expired, "reminded": reminded}
