"""Periodic review jobs (listed in fairtrade/schedule.py)."""

SCHEDULE = {
    # Publishes reviews whose 14-day window closed without the other party's review.
    "reviews-publish-due": {"task": "reviews.publish_due", "schedule": 3600.0},
}
