"""A job with two sealed bids and the six kinds of caller of the permission tables.

The rival's bid carries distinctive values (amount, business name) so a test can assert
they appear nowhere they must not: not in HTML, not in JSON.
"""

from dataclasses import dataclass

from accounts.tests.factories import ContractorFactory
from bids.models import Bid
from bids.tests.factories import BidFactory
from jobs.tests.factories import JobFactory

BIDDER_CENTS = 77_123  # $771.23
RIVAL_CENTS = 88_456  # $884.56
RIVAL_NAME = "Zanzibar Secret Rival Builders"
BIDDER_SECRETS = ("771.23", "77123")
RIVAL_SECRETS = ("884.56", "88456", RIVAL_NAME)
ROLES = ["anonymous", "owner", "other_homeowner", "bidder", "other_contractor", "staff"]


@dataclass
class Scenario:
    job: object
    bid: Bid  # the bidder's
    rival_bid: Bid
    users: dict

    def user(self, role):
        return self.users.get(role)


def build(homeowner, other_homeowner, contractor, other_contractor, staff_user) -> Scenario:
    job = JobFactory(homeowner=homeowner, title="Sealed scenario job", address="742 Evergreen Terrace")
    bid = BidFactory(job=job, contractor=contractor, amount_cents=BIDDER_CENTS, milestones=[("All", BIDDER_CENTS)])
    rival = ContractorFactory(profile__business_name=RIVAL_NAME)
    rival_bid = BidFactory(job=job, contractor=rival, amount_cents=RIVAL_CENTS, milestones=[("All", RIVAL_CENTS)])
    users = {
        "anonymous": None, "owner": homeowner, "other_homeowner": other_homeowner, "bidder": contractor,
        "other_contractor": other_contractor, "staff": staff_user,
    }
    return Scenario(job=job, bid=bid, rival_bid=rival_bid, users=users)


def assert_absent(body: str, secrets, context=""):
    for secret in secrets:
        assert secret not in body, f"sealed-bid leak: {secret!r} in {context}"
