"""Periodic jobs of the milestone lifecycle (listed in fairtrade/schedule.py)."""

SCHEDULE = {
    "contracts-auto-approve": {"task": "contracts.auto_approve_due", "schedule": 900.0},
    "contracts-auto-approve-reminders": {"task": "contracts.auto_approve_reminders", "schedule": 3600.0},
}
