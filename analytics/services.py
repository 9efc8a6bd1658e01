"""Refreshing the materialized views: CONCURRENTLY (pages keep reading the old rows until the
new ones are in), each view in its own transaction, each refresh timed, logged and recorded."""

import logging
import time

from django.db import connection, transaction

import audit

from .models import RefreshLog
from .sql import VIEWS

logger = logging.getLogger(__name__)


def _populated(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ispopulated FROM pg_matviews WHERE matviewname = %s", [name])
        row = cursor.fetchone()
    return bool(row and row[0])


def views_refresh(*, actor=None, trigger: str = RefreshLog.Trigger.BEAT, request=None) -> list[RefreshLog]:
    """Refresh every view; on SQLite there is nothing to refresh (the fallback reads live)."""
    if connection.vendor != "postgresql":
        return []
    logs = []
    for view in VIEWS:
        # CONCURRENTLY needs a populated view; the very first refresh after a migration is plain.
        concurrent = _populated(view.name)
        started = time.monotonic()
        error = ""
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # Enough memory to sort and aggregate in RAM (this transaction only): at 100,000
                # jobs the default 4 MB spills the percentiles' sorts to disk.
                cursor.execute("SET LOCAL work_mem = '64MB'")
                cursor.execute(f"REFRESH MATERIALIZED VIEW {'CONCURRENTLY ' if concurrent else ''}{view.name}")
                cursor.execute(f"SELECT count(*) FROM {view.name}")  # noqa: S608 # nosec B608 (a constant view name)
                rows = cursor.fetchone()[0]
        except Exception as exc:  # one view failing must not stop the others; it is logged and recorded
            logger.exception("analytics refresh of %s failed", view.name)
            rows, error = None, str(exc)[:500]
        duration_ms = round((time.monotonic() - started) * 1000)
        logger.info("analytics view refreshed", extra={"view": view.name, "duration_ms": duration_ms, "rows": rows,
                                                       "concurrent": concurrent, "trigger": trigger})
        logs.append(RefreshLog.objects.create(view=view.name, trigger=trigger, actor=actor, concurrent=concurrent,
                                              duration_ms=duration_ms, rows=rows, error=error))
    if actor is not None:
        audit.record(actor, "analytics.refreshed", None, request=request,
                     views={log.view: log.duration_ms for log in logs})
    return logs
