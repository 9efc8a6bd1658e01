"""Periodic jobs of core (plain data; fairtrade/schedule.py lists it)."""

SCHEDULE = {
    "core-purge-idempotency-keys": {"task": "core.purge_idempotency_keys", "schedule": 3600.0},
}
