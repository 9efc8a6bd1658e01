"""Periodic jobs of the notifications app (merged into CELERY_BEAT_SCHEDULE)."""

SCHEDULE = {
    "notifications-sweep-deliveries": {
        "task": "notifications.tasks.sweep_deliveries",
        "schedule": 60.0,  # seconds: re-queues due retries and settles rows stuck in `sending`
    },
}
