"""Demo contract for `make run` (seed_demo, after payments' payout accounts). Idempotent.

The demo's awarded contract gets its first milestone funded, through the real service.
Only with the simulated gateway: seeding must never touch a real Stripe account.
"""

from django.conf import settings

from payments.models import Payment

from . import services
from .models import Contract, Milestone


def seed(stdout=None) -> dict:
    if settings.PAYMENT_GATEWAY != "simulated":
        if stdout:
            stdout.write("Contracts demo skipped: PAYMENT_GATEWAY is not 'simulated'.")
        return {"funded": 0}
    funded = 0
    contract = (Contract.objects.filter(status=Contract.Status.AWAITING_FUNDING, homeowner__email__endswith="@demo.test")
                .select_related("homeowner").order_by("created_at").first())
    if contract is not None:
        first = contract.milestones.order_by("position").first()
        if first and first.status == Milestone.Status.UNFUNDED and not Payment.objects.filter(milestone=first).exists():
            services.milestone_fund(actor=contract.homeowner, milestone_id=first.pk)
            funded = 1
    if stdout:
        stdout.write(f"{funded} demo milestone funded (simulated).")
    return {"funded": funded}
