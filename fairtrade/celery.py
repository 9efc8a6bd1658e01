"""Celery application. Tasks are thin: load a row by id and call a service."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fairtrade.settings.local")

app = Celery("fairtrade")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
