import pytest

from payments.tests.conftest import simulated  # noqa: F401  (fixture)

from .helpers import completed_contract


@pytest.fixture
def done(homeowner, contractor, simulated):  # noqa: F811
    return completed_contract(homeowner, contractor)
