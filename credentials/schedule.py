"""Periodic jobs of credentials (listed in fairtrade/schedule.py)."""

SCHEDULE = {
    "credentials-expiry-sweep": {"task": "credentials.expiry_sweep", "schedule": 3600.0},
}
