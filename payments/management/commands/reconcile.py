from django.core.management.base import BaseCommand

from payments.services import reconcile


class Command(BaseCommand):
    help = "Check the ledger balances, escrow rows match it, closed milestones hold nothing, and (with Stripe) "\
           "that payments, transfers and refunds match Stripe's objects. Exit status 1 on any difference."

    def add_arguments(self, parser):
        parser.add_argument("--no-remote", action="store_true", help="Skip comparing with Stripe.")
        parser.add_argument("--days", type=int, default=7, help="How far back to compare with Stripe (default 7).")

    def handle(self, *args, no_remote=False, days=7, **options):
        run = reconcile(remote=not no_remote, days=days)
        for key, value in run.checked.items():
            self.stdout.write(f"checked {key}: {value}")
        if run.ok:
            self.stdout.write(self.style.SUCCESS("Reconciliation OK: no differences."))
            return
        for diff in run.differences:
            self.stdout.write(self.style.ERROR(f"DIFFERENCE {diff}"))
        raise SystemExit(1)
