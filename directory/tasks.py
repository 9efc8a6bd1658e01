from celery import shared_task
from django.utils import timezone

from . import stats


@shared_task(name="directory.refresh_stats", acks_late=True, reject_on_worker_lost=True)
def refresh_stats(full: bool = False) -> dict:
    """Profile metrics: contractors with activity in the last hour (every 15 minutes), or
    everyone (nightly). Idempotent: it recomputes from the rows, it never adds up."""
    now = timezone.now()
    ids = stats.everyone() if full else stats.changed_since(now - stats.RECENT_WINDOW, now)
    return {"contractors": stats.refresh(ids, now=now)}
