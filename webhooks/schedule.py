"""Periodic jobs of the webhooks app (plain data; fairtrade/schedule.py lists it)."""

SCHEDULE = {
    "webhooks-sweep": {"task": "webhooks.sweep", "schedule": 60.0},
}
