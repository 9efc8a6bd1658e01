"""Load demo data for `make run`. Idempotent: re-running changes nothing that exists.

Each app's `demo.seed(stdout)`, listed by hand in dependency order (a command is an entry
point and may import every app; nothing is looked up by naming convention).
"""

from django.core.management.base import BaseCommand

from accounts import demo as accounts_demo
from bids import demo as bids_demo
from contracts import demo as contracts_demo
from directory import demo as directory_demo
from jobs import demo as jobs_demo
from payments import demo as payments_demo

SEEDERS = (accounts_demo, jobs_demo, bids_demo, payments_demo, contracts_demo, directory_demo)


class Command(BaseCommand):
    help = "Create demo accounts and sample marketplace data (idempotent)."

    def handle(self, *args, **options):
        for module in SEEDERS:
            module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
