"""Export and erasure of a person's data across every app (services).

The apps that hold personal data are passed in as `contributors` (core.privacy describes
them): accounts is a low layer and must not import the apps above it, so the list is written
by hand in `fairtrade/privacy.py` and the entry points (views, tasks) hand it over. A
missing module there is an error at import time, never a silent skip.
"""

import io
import json
import logging
import zipfile
from datetime import timedelta

from django.core import signing
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

import audit
from core.exceptions import InvalidState
from core.fsm import check_transition
from core.privacy import Blocker, section_name

from .export_html import export_tree
from .models import DataExport, User

logger = logging.getLogger(__name__)

EXPORT_TTL = timedelta(days=7)
EXPORT_FORMAT = 1
_LINK_SALT = "accounts.data_export"


# --- erasure ------------------------------------------------------------------------------
def erasure_blockers(user: User, *, contributors) -> list[Blocker]:
    return [blocker for module in contributors for blocker in module.erasure_blockers(user)]


def account_erase(*, actor: User, contributors, request=None) -> str:
    """Close the actor's account and erase their personal data, unless an app still holds
    an obligation (money in escrow, an open dispute...). Returns the address the account
    had, for a goodbye email sent after commit (the row no longer has it)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        if not user.is_active:
            raise InvalidState("This account is already closed.")
        blockers = erasure_blockers(user, contributors=contributors)
        if blockers:
            raise InvalidState("Your account can't be deleted yet: " + " ".join(b.text for b in blockers))
        former_email = user.email
        # No target repr: the entry must not keep the email address we are about to erase.
        audit.record(actor, "account.erased", None, request, user_id=str(user.pk),
                     sections=[section_name(module) for module in contributors])
        # Upper apps first: they scrub what points at the lower apps' rows.
        for module in reversed(contributors):
            module.erase(user)
    return former_email


# --- export -------------------------------------------------------------------------------
def personal_data(user: User, *, contributors) -> dict:
    """Everything held about the person, by app, as JSON-serialisable data."""
    data = {"format": EXPORT_FORMAT, "exported_at": timezone.now(), "user_id": str(user.pk)}
    for module in contributors:
        data[section_name(module)] = module.export(user)
    return data


def export_archive(data: dict) -> bytes:
    """A zip with the JSON and a self-contained HTML page of the same data."""
    text = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    html = render_to_string("accounts/export/index.html", {
        "exported_at": data["exported_at"], "sections": export_tree(json.loads(text)),
    })
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-data.json", text)
        archive.writestr("my-data.html", html)
        archive.writestr("README.txt", (
            "FairTradeWorker: everything we hold about you.\n\n"
            f"my-data.json  the data, for programs (format version {EXPORT_FORMAT})\n"
            "my-data.html  the same data as a page to read in any browser\n"))
    return buffer.getvalue()


def data_export_request(*, actor: User, request=None) -> DataExport:
    """Queue a fresh export, or return the one being prepared (building is costly: a
    person gets one at a time)."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=actor.pk)
        pending = DataExport.objects.filter(user=actor, status=DataExport.Status.PENDING).first()
        if pending:
            return pending
        export = DataExport.objects.create(user=actor)
        audit.record(actor, "account.data_export_requested", export, request)
        transaction.on_commit(lambda: _build_task().delay(str(export.pk)))
    return export


def _build_task():
    from .tasks import build_data_export  # the task is the entry point that knows every app

    return build_data_export


def data_export_build(*, export_id, contributors) -> tuple[DataExport, bool]:
    """Build the zip of a pending export. Returns (export, built_now): a repeated task run
    finds the row no longer pending and does nothing."""
    with transaction.atomic():
        export = DataExport.objects.select_for_update().select_related("user").get(pk=export_id)
        if export.status != DataExport.Status.PENDING:
            return export, False
        try:
            with transaction.atomic():  # a savepoint: a failed query must not poison the outer transaction
                payload = export_archive(personal_data(export.user, contributors=contributors))
        except Exception as exc:  # recorded on the row so the page can say so; Sentry has the trace
            logger.exception("data export %s failed", export.pk)
            check_transition(DataExport.TRANSITIONS, export.status, DataExport.Status.FAILED, label="export")
            export.status = DataExport.Status.FAILED
            export.error = str(exc)[:300]
            export.save(update_fields=["status", "error", "updated_at"])
            return export, False
        check_transition(DataExport.TRANSITIONS, export.status, DataExport.Status.READY, label="export")
        export.file.save(f"{export.pk}.zip", ContentFile(payload), save=False)
        export.size_bytes = len(payload)
        export.status = DataExport.Status.READY
        export.ready_at = timezone.now()
        export.expires_at = export.ready_at + EXPORT_TTL
        export.save()
        audit.record(None, "account.data_exported", export, None, user_id=str(export.user_id), bytes=len(payload))
    return export, True


def data_exports_expire(*, now=None) -> int:
    """Delete the files of exports whose link expired (hourly, accounts.expire_data_exports)."""
    now = now or timezone.now()
    done = 0
    for export_id in DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now).values_list(
            "pk", flat=True):
        with transaction.atomic():
            export = DataExport.objects.select_for_update().get(pk=export_id)
            if export.status != DataExport.Status.READY:
                continue
            if export.file:
                export.file.delete(save=False)
            export.status = DataExport.Status.EXPIRED
            export.save(update_fields=["status", "file", "updated_at"])
            done += 1
    return done


# --- the signed link ----------------------------------------------------------------------
def export_token(export: DataExport) -> str:
    return signing.TimestampSigner(salt=_LINK_SALT).sign(str(export.pk))


def export_from_token(user: User, token: str) -> DataExport | None:
    """The owner's ready export behind a link that is authentic and not expired, else None."""
    try:
        export_id = signing.TimestampSigner(salt=_LINK_SALT).unsign(token, max_age=EXPORT_TTL)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    return DataExport.objects.filter(pk=export_id, user=user, status=DataExport.Status.READY,
                                     expires_at__gt=timezone.now()).first()
