"""Demo money for `make run` (seed_demo). Idempotent.

Demo contractors get simulated payout accounts that are ready, so approving a milestone
in the demo pays out at once (contracts/demo.py funds the demo contract's first milestone).
Only with the simulated gateway: seeding must never touch a real Stripe account.
"""

from django.conf import settings

from accounts.models import User

from .gateways.simulated import SimulatedGateway
from .models import PayoutAccount


def seed(stdout=None) -> dict:
    if settings.PAYMENT_GATEWAY != "simulated":
        if stdout:
            stdout.write("Payments demo skipped: PAYMENT_GATEWAY is not 'simulated'.")
        return {"accounts": 0}
    gateway = SimulatedGateway()
    accounts = 0
    for user in User.objects.filter(role=User.Role.CONTRACTOR, email__endswith="@demo.test"):
        state = gateway.account_create(idempotency_key=f"account-{user.pk}", email=user.email, metadata={})
        _, created = PayoutAccount.objects.update_or_create(
            user=user, defaults={"gateway": gateway.name, "account_id": state.account_id, "payouts_enabled": True,
                                 "charges_enabled": True, "details_submitted": True, "requirements_due": []},
        )
        accounts += created
    if stdout:
        stdout.write(f"Demo payouts ready for {accounts} new contractor(s) (simulated).")
    return {"accounts": accounts}
