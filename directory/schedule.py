"""Periodic jobs of directory (listed in fairtrade/schedule.py)."""

SCHEDULE = {
    # Profile metrics of contractors with activity in the last hour (directory.stats).
    "directory-refresh-stats": {"task": "directory.refresh_stats", "schedule": 900.0},
    # Everyone, once a day: a homeowner's message left a week without an answer changes no row.
    "directory-refresh-all-stats": {"task": "directory.refresh_stats", "schedule": 86400.0, "kwargs": {"full": True}},
}
