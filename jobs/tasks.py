from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def close_overdue_bidding() -> dict:
    """Open jobs past their bidding deadline: to `reviewing`, or back to draft without bids."""
    return services.jobs_close_overdue()
