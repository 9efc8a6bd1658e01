"""Demo money for `make run` (seed_demo). Idempotent.

Demo contractors get simulated payout accounts that are ready, so approving a milestone
in the demo pays out at once; the demo's awarded contract gets its first milestone funded.
Only with the simulated gateway: seeding must never touch a real Stripe account.
"""

from django.conf import settings

from accounts.models import User
from contracts import flow
from contracts.models import Contract, Milestone

from .gateways.simulated import SimulatedGateway
from .models import Payment, PayoutAccount


def seed(stdout=None) -> dict:
    if settings.PAYMENT_GATEWAY != "simulated":
        if stdout:
            stdout.write("Payments demo skipped: PAYMENT_GATEWAY is not 'simulated'.")
        return {"accounts": 0, "funded": 0}
    gateway = SimulatedGateway()
    accounts = 0
    for user in User.objects.filter(role=User.Role.CONTRACTOR, email__endswith="@demo.test"):
        state = gateway.account_create(idempotency_key=f"account-{user.pk}", email=user.email, metadata={})
        _, created = PayoutAccount.objects.update_or_create(
            user=user, defaults={"gateway": gateway.name, "account_id": state.account_id, "payouts_enabled": True,
                                 "charges_enabled": True, "details_submitted": True, "requirements_due": []},
        )
        accounts += created
    funded = 0
    contract = (Contract.objects.filter(status=Contract.Status.AWAITING_FUNDING, homeowner__email__endswith="@demo.test")
                .select_related("homeowner").order_by("created_at").first())
    if contract is not None:
        first = contract.milestones.order_by("position").first()
        if first and first.status == Milestone.Status.UNFUNDED and not Payment.objects.filter(milestone=first).exists():
            flow.milestone_fund(actor=contract.homeowner, milestone_id=first.pk)
            funded = 1
    if stdout:
        stdout.write(f"Demo payouts ready for {accounts} new contractor(s); {funded} milestone funded (simulated).")
    return {"accounts": accounts, "funded": funded}
