"""The shared copy of the API's open-jobs listing (jobs.api.views.JobListCreateView.list):
every caller who sees the listed jobs as the public does gets the same page; owners and staff,
who see bid counts and addresses, never get it nor leave one behind; changes show at once."""

import time
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser

from bids.tests.factories import BidFactory
from jobs import selectors, services
from jobs.models import Job
from jobs.signals import ADDITIONS_GRACE_SECONDS

from .factories import JobFactory

pytestmark = pytest.mark.django_db
LISTING = "/api/v1/jobs/"


def _get(client, url=LISTING):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response


def _titles(response):
    return [job["title"] for job in response.json()["results"]]


def test_callers_who_see_the_public_view_share_one_listing(api_as, api_client, other_homeowner, contractor,
                                                           django_assert_max_num_queries):
    for n in range(3):
        JobFactory(title=f"Shared listing job {n}")
    first = _get(api_as(other_homeowner))
    assert first["X-Page-Cache"] == "miss" and len(first.json()["results"]) == 3

    partner = api_as(contractor)
    with django_assert_max_num_queries(2):  # the token (and its last use): no job, photo or category query
        second = _get(partner)
    assert second["X-Page-Cache"] == "hit" and second.json() == first.json()
    anonymous = _get(api_client)
    assert anonymous["X-Page-Cache"] == "hit" and anonymous.json() == first.json()
    # Another page (a filter) is another copy.
    assert _get(partner, LISTING + "?category=plumbing")["X-Page-Cache"] == "miss"


def test_owners_and_staff_get_their_own_view_and_leave_no_copy(api_as, homeowner, other_homeowner, staff_user):
    job = JobFactory(homeowner=homeowner, title="Owner's job", address="12 Private Lane")
    BidFactory(job=job, amount_cents=77_700)
    public = _get(api_as(other_homeowner)).json()["results"][0]
    assert public["bid_count"] is None and "address" not in public

    owner = _get(api_as(homeowner))
    assert "X-Page-Cache" not in owner  # neither served the shared copy nor stored as one
    mine = owner.json()["results"][0]
    assert mine["bid_count"] == 1 and mine["address"] == "12 Private Lane"
    staff = _get(api_as(staff_user))
    assert "X-Page-Cache" not in staff and staff.json()["results"][0]["bid_count"] == 1

    # The copy others share is still the public one, never the owner's or staff's.
    again = _get(api_as(other_homeowner))
    assert again["X-Page-Cache"] == "hit" and again.json()["results"][0] == public
    assert "12 Private Lane" not in again.content.decode() and "77700" not in again.content.decode()


def test_a_listing_built_for_an_owner_is_not_stored_for_others(api_as, homeowner, other_homeowner):
    JobFactory(homeowner=homeowner, address="12 Private Lane")
    assert "X-Page-Cache" not in _get(api_as(homeowner))
    other = _get(api_as(other_homeowner))
    assert other["X-Page-Cache"] == "miss" and "12 Private Lane" not in other.content.decode()


def test_a_change_shows_at_once_and_a_new_job_within_the_grace(api_as, homeowner, other_homeowner):
    job = JobFactory(homeowner=homeowner, title="Patch the drywall")
    BidFactory(job=job)
    partner = api_as(other_homeowner)
    _get(partner)
    services.job_close_bidding(actor=homeowner, job=job)
    after_close = _get(partner)
    assert after_close["X-Page-Cache"] == "miss" and "Patch the drywall" not in _titles(after_close)

    draft = JobFactory(homeowner=homeowner, title="Hang three doors", status=Job.Status.DRAFT, published_at=None)
    _get(partner)
    services.job_publish(actor=homeowner, job=draft)
    assert "Hang three doors" not in _titles(_get(partner))  # an addition may wait for the grace
    later = time.time_ns() + (ADDITIONS_GRACE_SECONDS + 1) * 1_000_000_000
    with mock.patch("core.cache.time.time_ns", return_value=later):  # the clock, not the rule, moves on
        assert "Hang three doors" in _titles(_get(partner))


def test_own_jobs_are_never_shared(api_as, homeowner):
    JobFactory(homeowner=homeowner)
    for _ in range(2):
        response = _get(api_as(homeowner), LISTING + "?mine=true")
        assert "X-Page-Cache" not in response and response.json()["results"][0]["bid_count"] == 0


def test_refused_filters_are_never_stored(api_as, other_homeowner):
    partner = api_as(other_homeowner)
    for _ in range(2):
        response = partner.get(LISTING + "?zip=00000")
        assert response.status_code == 400 and "X-Page-Cache" not in response


@pytest.mark.parametrize("who", ["anonymous", "owner", "other_homeowner", "contractor", "bidder", "staff"])
def test_the_sharing_rule_agrees_with_what_each_person_may_see(who, homeowner, other_homeowner, contractor,
                                                               staff_user):
    job = JobFactory(homeowner=homeowner)
    bid = BidFactory(job=job)
    user = {"anonymous": AnonymousUser(), "owner": homeowner, "other_homeowner": other_homeowner,
            "contractor": contractor, "bidder": bid.contractor, "staff": staff_user}[who]
    sees_more = selectors.can_see_address(user, job) or selectors.can_see_bid_count(user, job)
    assert selectors.sees_open_jobs_as_public(user, {job.homeowner_id}) is not sees_more
