"""Periodic dispute jobs (listed in fairtrade/schedule.py)."""

SCHEDULE = {
    # Moves overdue disputes up the ladder; deadlines are days long, so every 15 minutes is prompt.
    "disputes-advance-due": {"task": "disputes.advance_due", "schedule": 900.0},
}
