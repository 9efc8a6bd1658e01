"""Periodic money jobs (listed in fairtrade/schedule.py)."""

SCHEDULE = {
    "payments-sweep-stuck": {"task": "payments.sweep_stuck", "schedule": 300.0},
    "payments-reconcile": {"task": "payments.reconcile", "schedule": 6 * 3600.0},
}
