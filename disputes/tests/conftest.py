import pytest

from payments.tests.conftest import deliver, fake_stripe, simulated  # noqa: F401  (fixtures used here)

from .helpers import make_contract


@pytest.fixture
def contract(homeowner, contractor, simulated):  # noqa: F811
    return make_contract(homeowner, contractor)
