"""Thin Celery tasks of the accounts app. The export task is an entry point: it hands the
hand-written list of every app's privacy module (fairtrade.privacy) to the service."""

from celery import shared_task
from django.urls import reverse

from fairtrade import privacy
from notifications.services import notify

from . import personal_data


@shared_task(name="accounts.build_data_export", acks_late=True)
def build_data_export(export_id):
    export, built = privacy.data_export_build(export_id=export_id)
    if built:
        link = reverse("accounts:data_export_download", args=[personal_data.export_token(export)])
        notify("account.data_export_ready", [export.user],
               {"expires_at": export.expires_at, "url": link},
               target=export, key=str(export.pk))
    return str(export.status)


@shared_task(name="accounts.expire_data_exports", acks_late=True)
def expire_data_exports():
    return personal_data.data_exports_expire()
