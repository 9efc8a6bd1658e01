"""Periodic money jobs (listed in fairtrade/schedule.py)."""

SCHEDULE = {
    "payments-sweep-stuck": {"task": "payments.sweep_stuck", "schedule": 60.0},
    "payments-auto-approve": {"task": "payments.auto_approve_due", "schedule": 900.0},
    "payments-auto-approve-reminders": {"task": "payments.auto_approve_reminders", "schedule": 3600.0},
    "payments-reconcile": {"task": "payments.reconcile", "schedule": 6 * 3600.0},
}
