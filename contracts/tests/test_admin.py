"""Staff admin for the marketplace: list pages load with constant queries; bids show amounts."""

import pytest

from bids.tests.factories import BidFactory
from contracts.tests.factories import contract_for

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/jobs/job/", "/admin/jobs/jobphoto/", "/admin/jobs/question/", "/admin/bids/bid/",
    "/admin/contracts/contract/", "/admin/contracts/milestone/",
]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("rows", [3, 30])
def test_admin_lists(client, staff_user, django_assert_max_num_queries, url, rows):
    for _ in range(rows):
        contract_for()
    client.force_login(staff_user)
    with django_assert_max_num_queries(15):
        response = client.get(url + "?q=e")
    assert response.status_code == 200


def test_staff_see_bid_amounts_and_detail_pages(client, staff_user):
    bid = BidFactory(amount_cents=123_456)
    contract = contract_for()
    client.force_login(staff_user)
    assert "$1,234.56" in client.get("/admin/bids/bid/").content.decode()
    for url in [f"/admin/bids/bid/{bid.pk}/change/", f"/admin/jobs/job/{bid.job_id}/change/",
                f"/admin/contracts/contract/{contract.pk}/change/"]:
        assert client.get(url).status_code == 200, url


def test_non_staff_kept_out(client, homeowner):
    client.force_login(homeowner)
    assert client.get("/admin/bids/bid/").status_code == 302
