from celery import shared_task
from django.contrib.auth import get_user_model

from . import services
from .models import RefreshLog


@shared_task(acks_late=True, reject_on_worker_lost=True)
def refresh_views() -> dict:
    """Hourly from beat: refresh every analytics view."""
    return {log.view: log.duration_ms for log in services.views_refresh(trigger=RefreshLog.Trigger.BEAT)}


@shared_task(acks_late=True, reject_on_worker_lost=True)
def refresh_views_by_staff(actor_id) -> dict:
    """On demand from the analytics page; recorded with the staff member who asked."""
    actor = get_user_model().objects.filter(pk=actor_id, is_staff=True).first()
    logs = services.views_refresh(actor=actor, trigger=RefreshLog.Trigger.STAFF)
    return {log.view: log.duration_ms for log in logs}
