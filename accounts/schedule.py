"""Periodic accounts jobs (listed in fairtrade/schedule.py)."""

SCHEDULE = {
    # Deletes the files of data exports whose download link expired (7 days).
    "accounts-expire-data-exports": {"task": "accounts.expire_data_exports", "schedule": 3600.0},
}
