"""Periodic money jobs (listed in fairtrade/schedule.py)."""

SCHEDULE = {
    "payments-sweep-stuck": {"task": "payments.sweep_stuck", "schedule": 60.0},
    "payments-reconcile": {"task": "payments.reconcile", "schedule": 6 * 3600.0},
}
