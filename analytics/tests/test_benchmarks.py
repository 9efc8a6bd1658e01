"""Fair-price bands: the privacy thresholds (5 awarded contracts, 5 contractors, 12 months,
never the job being shown), the state-wide fallback, the pages that show them and the API."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ContractorFactory
from analytics import selectors, services
from bids.models import Bid
from bids.tests.factories import BidFactory
from contracts.models import Contract
from contracts.tests.factories import contract_for
from jobs.models import Job
from jobs.tests.factories import JobFactory, category

pytestmark = pytest.mark.django_db

AUSTIN = {"zip_code": "78701", "city": "Austin", "state": "TX"}
DALLAS = {"zip_code": "75201", "city": "Dallas", "state": "TX", "latitude": 32.79, "longitude": -96.8}


def awarded(amounts, *, contractors=None, **job_fields):
    """One awarded contract per amount, each by its own contractor unless `contractors` given."""
    contracts = []
    for i, cents in enumerate(amounts):
        contractor = contractors[i] if contractors else ContractorFactory()
        contracts.append(contract_for(contractor=contractor, milestones=[("All", cents)], **{**AUSTIN, **job_fields}))
    return contracts


def refresh():
    services.views_refresh()  # nothing to do on SQLite: the fallback reads the tables


def band_for(zip_code="78701", exclude=None):
    return selectors.price_benchmark(category(), zip_code, exclude_job_id=exclude)


def test_four_awarded_contracts_show_no_band_five_do():
    awarded([100_000, 120_000, 140_000, 160_000])
    refresh()
    assert band_for().band is None
    awarded([180_000])
    refresh()
    band = band_for().local
    # p25/median/p75 of 1,000 1,200 1,400 1,600 1,800
    assert (band.low_cents, band.median_cents, band.high_cents, band.jobs) == (120_000, 140_000, 160_000, 5)
    assert band.scope == "zip3" and band.area == "787"


def test_five_contracts_from_four_contractors_show_no_band():
    same = ContractorFactory()
    others = [ContractorFactory() for _ in range(3)]
    awarded([100_000, 110_000, 120_000, 130_000, 140_000], contractors=[same, same, *others])
    refresh()
    assert band_for().band is None


def test_the_job_itself_is_never_in_its_band():
    contracts = awarded([100_000, 120_000, 140_000, 160_000, 180_000])
    refresh()
    assert band_for().local.jobs == 5  # anyone else: a band of 5
    own = contracts[0].job
    assert band_for(exclude=own.pk).band is None  # on its own pages: 4 others, so none
    contracts += awarded([900_000])
    refresh()
    band = band_for(exclude=own.pk).local
    assert band.jobs == 5 and (band.low_cents, band.median_cents, band.high_cents) == (140_000, 160_000, 180_000)


def test_cancelled_withdrawn_and_old_contracts_do_not_count():
    contracts = awarded([100_000, 120_000, 140_000, 160_000, 180_000])
    Contract.objects.filter(pk=contracts[0].pk).update(status="cancelled")
    refresh()
    assert band_for().band is None
    Contract.objects.filter(pk=contracts[0].pk).update(status="awaiting_funding",
                                                       created_at=timezone.now() - timedelta(days=400))
    refresh()
    assert band_for().band is None


def test_state_wide_band_when_the_area_has_too_little():
    awarded([100_000, 120_000, 140_000, 160_000, 180_000], **DALLAS)
    refresh()
    benchmark = band_for("78701")
    assert benchmark.local is None and benchmark.state_band.state_wide and benchmark.state_band.area == "TX"
    assert benchmark.band.median_cents == 140_000
    assert band_for("10001").band is None  # New York: nothing at all


def test_owner_sees_the_band_on_the_job_and_the_post_job_page(client, homeowner):
    awarded([100_000, 120_000, 140_000, 160_000, 180_000])
    refresh()
    client.force_login(homeowner)
    page = client.get(reverse("jobs:create")).content.decode()
    assert "around <strong>787</strong>: <strong>$1,200.00 to $1,600.00</strong> (median $1,400.00, from 5 jobs)" in page
    job = JobFactory(homeowner=homeowner, **AUSTIN)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Typical awarded price for <strong>Plumbing</strong> around <strong>787</strong>" in page
    assert "$1,200.00 to $1,600.00" in page and "not counting this job" in page


def test_not_enough_local_data_is_said_plainly(client, homeowner):
    awarded([100_000, 120_000, 140_000, 160_000])
    refresh()
    client.force_login(homeowner)
    job = JobFactory(homeowner=homeowner, **AUSTIN)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Not enough local data yet for <strong>Plumbing</strong> around <strong>787</strong>" in page
    assert "$1,000.00" not in page and "$1,600.00" not in page
    assert "Not enough local data yet" in client.get(reverse("jobs:create")).content.decode()


def test_compare_page_places_each_bid_against_the_band(client, homeowner):
    awarded([100_000, 120_000, 140_000, 160_000, 180_000])
    refresh()
    job = JobFactory(homeowner=homeowner, status=Job.Status.REVIEWING, bidding_closed_at=timezone.now(), **AUSTIN)
    for cents in (90_000, 150_000, 250_000):
        BidFactory(job=job, amount_cents=cents)
    client.force_login(homeowner)
    page = client.get(reverse("bids:compare", args=[job.pk])).content.decode()
    assert "$1,200.00 to $1,600.00" in page
    assert page.count("Below the typical price") == 1 and page.count("Within the typical price") == 1
    assert page.count("Above the typical price") == 1


def test_contractor_sees_their_bid_against_the_market_after_the_award(client):
    contracts = awarded([100_000, 120_000, 140_000, 160_000, 180_000, 200_000])
    job = contracts[0].job
    loser = BidFactory(job=job, amount_cents=190_000, status=Bid.Status.NOT_SELECTED).contractor
    refresh()
    client.force_login(loser)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    # The band of the five other jobs: 1,200 1,400 1,600 1,800 2,000.
    assert "Your bid of $1,900.00 was <strong>above</strong>" in page and "$1,400.00 to $1,800.00" in page


def test_price_benchmarks_api(api_client):
    awarded([100_000, 120_000, 140_000, 160_000, 180_000])
    for cents in (90_000, 110_000):
        BidFactory(job=JobFactory(**AUSTIN), amount_cents=cents)
    refresh()
    data = api_client.get("/api/v1/price-benchmarks/", {"category": "plumbing", "zip": "78701"}).json()
    assert data["band"] == {"scope": "zip3", "area": "787", "low_cents": 120_000, "median_cents": 140_000,
                            "high_cents": 160_000, "jobs": 5}
    assert data["local_data"] is True and data["min_awarded"] == 5 and data["state"] == "TX"
    assert data["bids"]["count"] == 7 and data["bids"]["median_cents"] == 120_000
    none = api_client.get("/api/v1/price-benchmarks/", {"category": "plumbing", "zip": "10001"}).json()
    assert none["band"] is None and none["local_data"] is False and none["bids"] is None


@pytest.mark.parametrize("params,field", [
    ({"zip": "78701"}, "category"),
    ({"category": "no-such-trade", "zip": "78701"}, "category"),
    ({"category": "plumbing"}, "zip"),
    ({"category": "plumbing", "zip": "7870"}, "zip"),
    ({"category": "plumbing", "zip": "00000"}, "zip"),
])
def test_price_benchmarks_api_rejects_bad_input(api_client, params, field):
    response = api_client.get("/api/v1/price-benchmarks/", params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
