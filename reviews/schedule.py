"""Periodic review jobs (merged into CELERY_BEAT_SCHEDULE by fairtrade.discovery)."""

SCHEDULE = {
    # Publishes reviews whose 14-day window closed without the other party's review.
    "reviews-publish-due": {"task": "reviews.publish_due", "schedule": 3600.0},
}
