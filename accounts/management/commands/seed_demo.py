"""Load demo data for `make run`. Idempotent: re-running changes nothing that exists.

Each app may provide `<app>/demo.py` with `seed(stdout)`; they run in dependency order.
"""

import importlib

from django.core.management.base import BaseCommand

SEED_ORDER = ["accounts", "jobs", "bids", "payments", "contracts", "disputes", "reviews", "notifications"]


class Command(BaseCommand):
    help = "Create demo accounts and sample marketplace data (idempotent)."

    def handle(self, *args, **options):
        for app in SEED_ORDER:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
