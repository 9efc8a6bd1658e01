from datetime import timedelta

import pytest
from django.utils import timezone

from bids.tests.factories import BidFactory
from core.pagination import CappedPaginator
from jobs import selectors
from jobs.models import Job
from jobs.search import refresh_search_vector
from jobs.tests.factories import JobFactory, category

pytestmark = pytest.mark.django_db

# Places around Austin and one far away (Dallas, ~180 miles).
DOWNTOWN = {"zip_code": "78701", "latitude": 30.2713, "longitude": -97.7426}
ROUND_ROCK = {"zip_code": "78664", "city": "Round Rock", "latitude": 30.5149, "longitude": -97.6689}
DALLAS = {"zip_code": "75201", "city": "Dallas", "latitude": 32.7876, "longitude": -96.7994}


def make_jobs(n, **fields):
    jobs = [JobFactory(**fields) for _ in range(n)]
    refresh_search_vector(Job.objects.all())
    return jobs


def titles(filters, user=None):
    return sorted(job.title for job in selectors.board(filters, user=user))


def test_only_open_jobs():
    make_jobs(1, title="Open job here")
    make_jobs(1, title="Draft job here", status=Job.Status.DRAFT)
    make_jobs(1, title="Closed job here", status=Job.Status.REVIEWING)
    assert titles(selectors.BoardFilters()) == ["Open job here"]


def test_search_and_category_and_budget():
    make_jobs(1, title="Replace water heater", description="Gas heater leaks in the garage, fifty gallons.")
    make_jobs(1, title="Paint bedroom walls", description="Two bedrooms need fresh paint.", category=category("painting"),
              budget_min_cents=50_000, budget_max_cents=90_000)
    assert titles(selectors.BoardFilters(q="heater")) == ["Replace water heater"]
    assert titles(selectors.BoardFilters(q="nothing-matches-this")) == []
    assert titles(selectors.BoardFilters(categories=("painting",))) == ["Paint bedroom walls"]
    assert titles(selectors.BoardFilters(budget_min_cents=70_000)) == ["Paint bedroom walls"]
    assert titles(selectors.BoardFilters(budget_max_cents=40_000)) == ["Replace water heater"]


def test_distance_filter_and_sort():
    make_jobs(1, title="Downtown", **DOWNTOWN)
    make_jobs(1, title="Round Rock", **ROUND_ROCK)
    make_jobs(1, title="Dallas", **DALLAS)
    assert titles(selectors.BoardFilters(zip_code="78701", radius_miles=5)) == ["Downtown"]
    assert titles(selectors.BoardFilters(zip_code="78701", radius_miles=25)) == ["Downtown", "Round Rock"]
    nearest = [job.title for job in selectors.board(selectors.BoardFilters(zip_code="78701", sort="distance"))]
    assert nearest == ["Downtown", "Round Rock", "Dallas"]


def test_sorts():
    soon = timezone.now() + timedelta(days=2)
    make_jobs(1, title="Cheap", budget_min_cents=10_000, budget_max_cents=20_000)
    make_jobs(1, title="Pricey", budget_min_cents=500_000, budget_max_cents=900_000, bidding_deadline=soon)
    assert [j.title for j in selectors.board(selectors.BoardFilters(sort="budget_high"))] == ["Pricey", "Cheap"]
    assert [j.title for j in selectors.board(selectors.BoardFilters(sort="deadline"))] == ["Pricey", "Cheap"]


def test_contractor_near_me_default(client, contractor):
    contractor.contractor_profile.trades.set([category("painting")])
    make_jobs(1, title="Plumbing close by", **DOWNTOWN)
    make_jobs(1, title="Painting close by", category=category("painting"), **DOWNTOWN)
    make_jobs(1, title="Painting in Dallas", category=category("painting"), **DALLAS)
    client.force_login(contractor)
    response = client.get("/jobs/")
    shown = [job.title for job in response.context["page"].object_list]
    assert shown == ["Painting close by", "Plumbing close by"]  # own trade first, Dallas out of range
    assert "within 25 miles" in response.content.decode()
    everything = client.get("/jobs/?sort=newest").context["page"].object_list
    assert len(everything) == 3


def test_empty_and_no_result_states(client):
    assert "No open jobs yet" in client.get("/jobs/").content.decode()
    make_jobs(1)
    assert "No jobs match" in client.get("/jobs/?q=zzzzqqq").content.decode()


def test_bad_filter_values_never_fail(client, api_client):
    make_jobs(2)
    response = client.get("/jobs/?zip=00000&radius=abc&budget_min=-5&sort=evil&page=999")
    assert response.status_code == 200
    assert api_client.get("/api/v1/jobs/?zip=00000").status_code == 400
    assert api_client.get("/api/v1/jobs/?radius_miles=10").status_code == 400
    assert api_client.get("/api/v1/jobs/?budget_min_cents=abc").status_code == 400


def test_api_list_filters_and_mine(api_as, api_client, homeowner, contractor):
    make_jobs(2, **DOWNTOWN)
    make_jobs(1, **DALLAS)
    mine_draft = JobFactory(homeowner=homeowner, status=Job.Status.DRAFT)
    BidFactory(job=JobFactory(homeowner=homeowner), contractor=contractor)
    assert len(api_client.get("/api/v1/jobs/").json()["results"]) == 4
    near = api_client.get("/api/v1/jobs/?zip=78701&radius_miles=20").json()["results"]
    assert len(near) == 3 and all(row["distance_miles"] < 20 for row in near)
    assert all(row["bid_count"] is None for row in near)
    mine = api_as(homeowner).get("/api/v1/jobs/?mine=true").json()["results"]
    assert {row["id"] for row in mine} >= {str(mine_draft.pk)} and len(mine) == 2
    assert sorted(row["bid_count"] for row in mine) == [0, 1]
    assert all("address" in row for row in mine)


def test_api_create_job(api_as, homeowner, contractor):
    today = timezone.localdate()
    payload = {
        "title": "Fix garage door opener", "description": "Chain drive opener stopped mid-way; remote works.",
        "category": "handyman", "zip_code": "78745", "budget_min_cents": 15_000, "budget_max_cents": 40_000,
        "desired_start": str(today + timedelta(days=3)), "bidding_deadline": f"{today + timedelta(days=5)}T20:00:00Z",
        "publish": True,
    }
    response = api_as(homeowner).post("/api/v1/jobs/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open" and body["city"] == "Austin" and body["bid_count"] == 0
    assert body["category"] == {"slug": "handyman", "name": "Handyman"}
    assert api_as(contractor).post("/api/v1/jobs/", payload, format="json").status_code == 403
    bad = api_as(homeowner).post("/api/v1/jobs/", payload | {"budget_min_cents": 50_000}, format="json")
    assert bad.status_code == 400 and "budget_max_cents" in bad.json()["error"]["fields"]


def _rows(n):
    for i in range(n):
        job = JobFactory(title=f"Job number {i}")
        job.photos.create(image=f"jobs/{job.pk}/x.jpg", content_type="image/jpeg", width=64, height=48)


@pytest.mark.parametrize("rows", [5, 50])
def test_board_page_query_count(client, contractor, django_assert_max_num_queries, rows):
    _rows(rows)
    client.force_login(contractor)
    with django_assert_max_num_queries(12):
        response = client.get("/jobs/?sort=newest&page_size=100")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_api_job_list_query_count(api_client, django_assert_max_num_queries, rows):
    _rows(rows)
    with django_assert_max_num_queries(4):
        response = api_client.get("/api/v1/jobs/?page_size=100")
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_api_my_jobs_query_count(api_as, homeowner, django_assert_max_num_queries, rows):
    for _ in range(rows):
        BidFactory(job=JobFactory(homeowner=homeowner))
    api = api_as(homeowner)
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/jobs/?mine=true&page_size=100")
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_my_jobs_page_query_count(client, homeowner, django_assert_max_num_queries, rows):
    for _ in range(rows):
        JobFactory(homeowner=homeowner)
    client.force_login(homeowner)
    with django_assert_max_num_queries(10):
        assert client.get("/jobs/mine/").status_code == 200


# Ten ZIP centroids at growing distances from downtown Austin (78701): 0 to ~25 miles.
RING_PLACES = ["78701", "78702", "78703", "78704", "78705", "78723", "78745", "78757", "78759", "78664"]


@pytest.mark.parametrize("per_place", [1, 4])
def test_nearest_first_pages_are_exact_and_query_count_bounded(client, per_place, django_assert_max_num_queries):
    """The ring shortcut must give exactly the order of sorting every job by distance, on
    every page, whether the nearest ring is full (4 per place) or nearly empty (1)."""
    from core.geo import lookup_zip

    for zip_code in RING_PLACES:
        place = lookup_zip(zip_code)
        for _ in range(per_place):
            JobFactory(zip_code=zip_code, city=place.city.title(), latitude=place.latitude, longitude=place.longitude)
    filters = selectors.BoardFilters(zip_code="78701", radius_miles=25, sort="distance")
    expected = [job.pk for job in selectors.board(filters)]
    seen = []
    for number in (1, 2, 3):
        with django_assert_max_num_queries(12):
            response = client.get(f"/jobs/?zip=78701&radius=25&sort=distance&page={number}")
        assert response.status_code == 200
        seen += [job.pk for job in response.context["page"].object_list]
        if not response.context["page"].has_next():
            break
    assert seen == expected and len(expected) >= 9 * per_place  # Round Rock (~17 mi) may be in, too


@pytest.mark.parametrize("trade_jobs", [0, 3, 20, 27, 45])
def test_near_me_pages_are_exact_and_query_count_bounded(client, contractor, trade_jobs, django_assert_max_num_queries):
    """The two-query near-me ids (trades' jobs, then the others, newest first) must give exactly
    the order of one sort on "trade first, newest", on every page, wherever the trades end."""
    contractor.contractor_profile.trades.set([category("painting")])
    make_jobs(trade_jobs, category=category("painting"), **DOWNTOWN)
    make_jobs(25, **DOWNTOWN)
    make_jobs(2, category=category("painting"), **DALLAS)  # out of range
    profile = contractor.contractor_profile
    filters = selectors.BoardFilters(zip_code=profile.zip_code, radius_miles=profile.service_radius_miles,
                                     favour_trades=(category("painting").pk,), sort="newest")
    expected = [job.pk for job in selectors.board(filters)]
    paginator = CappedPaginator(selectors.board(filters), 10, ids=selectors.trades_first_ids(selectors.board(filters), filters))
    seen = []
    for number in paginator.page_range:  # (the capped count is taken once, above)
        with django_assert_max_num_queries(5):  # page's ids (at most 3 queries), its rows, their photos
            seen += [job.pk for job in paginator.page(number).object_list]
    assert seen == expected and len(expected) == trade_jobs + 25

    client.force_login(contractor)
    with django_assert_max_num_queries(13):
        response = client.get("/jobs/")
    assert [job.pk for job in response.context["page"].object_list] == expected[:20]
