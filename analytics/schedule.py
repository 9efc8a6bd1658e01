"""Periodic jobs of the analytics app (listed in fairtrade/schedule.py). Plain data only."""

SCHEDULE = {
    "analytics-refresh-views": {
        "task": "analytics.tasks.refresh_views",
        "schedule": 3600.0,  # hourly: the staff page and price bands are at most an hour old
    },
}
