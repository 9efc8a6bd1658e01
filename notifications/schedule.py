"""Periodic jobs of the notifications app (listed in fairtrade/schedule.py)."""

SCHEDULE = {
    "notifications-sweep-deliveries": {
        "task": "notifications.tasks.sweep_deliveries",
        "schedule": 60.0,  # seconds: re-queues due retries and settles rows stuck in `sending`
    },
    "notifications-send-batched-emails": {
        "task": "notifications.tasks.send_batched_emails",
        "schedule": 60.0,  # seconds: one email per burst of messages (NOTIFY_EMAIL_BATCH_SECONDS)
    },
}
