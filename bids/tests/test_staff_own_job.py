"""Staff privileges never open one's own sealed bids (issue 12: a staff member who is also a
homeowner read bid amounts and bidders of their own open job through /api/v1/bids/?job=)."""

import pytest

from accounts.tests.factories import HomeownerFactory
from bids.tests import scenario as sc

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_owner(other_homeowner, contractor, other_contractor, staff_user):
    owner = HomeownerFactory(is_staff=True)
    return owner, sc.build(owner, other_homeowner, contractor, other_contractor, staff_user)


def test_staff_owner_sees_no_bid_of_their_open_job(staff_owner, api_as, client):
    owner, scenario = staff_owner
    api = api_as(owner)
    listing = api.get(f"/api/v1/bids/?job={scenario.job.pk}")
    assert listing.status_code == 200 and listing.json()["results"] == []
    sc.assert_absent(listing.content.decode(), sc.RIVAL_SECRETS + sc.BIDDER_SECRETS, "bids list")
    assert api.get(f"/api/v1/bids/{scenario.rival_bid.pk}/").status_code == 404
    # The admin lists bids through the same selector.
    client.force_login(owner)
    owner.is_superuser = True
    owner.save(update_fields=["is_superuser"])
    page = client.get(f"/admin/bids/bid/?job__id={scenario.job.pk}")
    if page.status_code == 200:
        sc.assert_absent(page.content.decode(), sc.RIVAL_SECRETS, "admin")


def test_other_staff_still_moderate_every_bid(staff_owner, api_as):
    _, scenario = staff_owner
    moderator = scenario.user("staff")
    ids = {row["id"] for row in api_as(moderator).get(f"/api/v1/bids/?job={scenario.job.pk}").json()["results"]}
    assert ids == {str(scenario.bid.pk), str(scenario.rival_bid.pk)}


def test_staff_owner_sees_bids_once_bidding_closed(staff_owner, api_as):
    owner, scenario = staff_owner
    from django.utils import timezone

    scenario.job.bidding_closed_at = timezone.now()
    scenario.job.status = "reviewing"
    scenario.job.save(update_fields=["bidding_closed_at", "status"])
    assert len(api_as(owner).get(f"/api/v1/bids/?job={scenario.job.pk}").json()["results"]) == 2
