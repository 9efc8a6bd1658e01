import pytest

from accounts.tests.factories import ContractorFactory
from bids.models import Bid
from bids.tests.factories import BidFactory
from contracts.tests.factories import contract_for


@pytest.fixture
def contract(homeowner, contractor):
    return contract_for(homeowner=homeowner, contractor=contractor, title="Rebuild the back deck")


@pytest.fixture
def losing_bidder(contract):
    loser = ContractorFactory()
    BidFactory(job=contract.job, contractor=loser, amount_cents=90_000, status=Bid.Status.NOT_SELECTED,
               milestones=[("All of it", 90_000)])
    return loser
