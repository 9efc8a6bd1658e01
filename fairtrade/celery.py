"""Celery application. Tasks are thin: load a row by id and call a service."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fairtrade.settings.local")

app = Celery("fairtrade")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _release_database_connections(**kwargs):
    """What Django does around a request, around a task: hand the connection back to the pool,
    or close it if it broke or outlived CONN_MAX_AGE (CELERY_DB_REUSE_MAX keeps Celery's own
    fixup from closing the whole pool each time)."""
    task = kwargs.get("task")
    if task is not None and getattr(task.request, "is_eager", False):
        return  # an eager task runs inside the caller's request or transaction
    from django.db import close_old_connections

    close_old_connections()


signals.task_prerun.connect(_release_database_connections, weak=False)
signals.task_postrun.connect(_release_database_connections, weak=False)
