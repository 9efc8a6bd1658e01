"""Refresh the analytics views now (after a deploy or a bulk import) and print each time."""

from django.core.management.base import BaseCommand, CommandError

from analytics import services
from analytics.models import RefreshLog


class Command(BaseCommand):
    help = "Refresh the analytics materialized views (PostgreSQL) and print how long each took."

    def handle(self, *args, **options):
        logs = services.views_refresh(trigger=RefreshLog.Trigger.COMMAND)
        if not logs:
            self.stdout.write("Nothing to refresh: SQLite reads the tables directly.")
            return
        for log in logs:
            mode = "concurrently" if log.concurrent else "plain (first population)"
            self.stdout.write(f"{log.view}: {log.duration_ms} ms, {log.rows} rows, {mode}"
                              + (f", FAILED: {log.error}" if log.error else ""))
        if any(log.error for log in logs):
            raise CommandError("At least one view failed to refresh (see above and the refresh log in admin).")
