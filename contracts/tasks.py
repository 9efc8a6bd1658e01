"""Thin Celery tasks of the milestone lifecycle (beat entries in contracts/schedule.py)."""

from celery import shared_task

from . import services


@shared_task(name="contracts.auto_approve_due", acks_late=True)
def auto_approve_due_task():
    return services.milestones_auto_approve_due()


@shared_task(name="contracts.auto_approve_reminders", acks_late=True)
def auto_approve_reminders_task():
    return services.auto_approve_reminders_send()


# The names these tasks had while they lived in payments. Beat messages published before a
# deploy (every 15 minutes / every hour, acks_late) can still be queued in Redis when the
# new workers start; without these a worker would drop them as unregistered. Remove them
# one release after this one, once no old beat can have published them.
@shared_task(name="payments.auto_approve_due", acks_late=True)
def legacy_auto_approve_due_task():
    return services.milestones_auto_approve_due()


@shared_task(name="payments.auto_approve_reminders", acks_late=True)
def legacy_auto_approve_reminders_task():
    return services.auto_approve_reminders_send()
