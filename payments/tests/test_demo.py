import pytest

from accounts.demo import seed as seed_accounts
from payments import demo
from payments.models import PayoutAccount

pytestmark = pytest.mark.django_db


def test_demo_contractors_get_ready_payout_accounts_idempotently(simulated):
    seed_accounts()
    first = demo.seed()
    again = demo.seed()
    accounts = PayoutAccount.objects.filter(user__email__endswith="@demo.test")
    assert accounts.count() == 3 and all(a.payouts_enabled for a in accounts)
    assert first["accounts"] == 3 and again == {"accounts": 0}


def test_demo_refuses_to_touch_a_real_gateway(settings):
    settings.PAYMENT_GATEWAY = "stripe"
    assert demo.seed() == {"accounts": 0}
