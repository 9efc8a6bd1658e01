"""Periodic jobs of the jobs app (listed in fairtrade/schedule.py). Plain data only."""

SCHEDULE = {
    "jobs-close-overdue-bidding": {
        "task": "jobs.tasks.close_overdue_bidding",
        "schedule": 300.0,  # seconds: deadlines are whole days, five minutes late is fine
    },
}
