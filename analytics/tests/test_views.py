"""Each view's numbers against the hand-computed marketplace of analytics/tests/market.py, on
the materialized views (PostgreSQL) and on the plain-query fallback (any database), which
must agree row for row."""

from decimal import Decimal

import pytest

from analytics import fallback, selectors, services
from analytics.models import RefreshLog
from analytics.sql import CONTRACTOR_COLUMNS, DAILY_COLUMNS, PRICE_COLUMNS
from contracts.models import Contract
from jobs.models import Job

from .market import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(homeowner, django_capture_on_commit_callbacks, settings):
    settings.PAYMENT_GATEWAY = "simulated"
    return build(homeowner, django_capture_on_commit_callbacks)


def _view(name, order):
    return selectors._fetch(f"SELECT * FROM {name} ORDER BY {order}")  # noqa: S608 (test constants)


def _expected_daily(m, category_id):
    zero = dict.fromkeys(DAILY_COLUMNS, 0) | {"first_bid_median_secs": None, "award_median_secs": None}
    key = {"category_id": category_id, "zip3": "787"}
    return [
        {"day": m.d1, **key, **zero, "jobs_posted": 3, "jobs_published": 2, "bids_placed": 4, "bids_withdrawn": 1,
         "first_bid_median_secs": 5_400,  # first bids 1 h and 2 h after publishing
         "cohort_with_bid": 2, "cohort_awarded": 2, "cohort_funded": 2, "cohort_completed": 2},
        {"day": m.d2, **key, **zero, "awards": 2, "award_median_secs": 86_400,
         "funded_cents": 140_000, "fees_cents": 7_000},
        {"day": m.d3, **key, **zero, "released_cents": 80_000,  # $300 approved + $500 of the split
         "refunded_cents": 60_000,  # $200 of the split + the whole $400
         "fee_refunds_cents": 3_000,  # 5% of the refunded $600
         "disputes_opened": 2, "disputes_split": 1, "disputes_refund": 1},
    ]


def _expected_contractors(m):
    a = dict(zip(CONTRACTOR_COLUMNS, [m.winner_a.pk, 1, 1, Decimal("1.0000"), 1, 1, Decimal("1.0000"), 1,
                                     Decimal("1.0000"), 0, None, 7_200], strict=True))
    b = dict(zip(CONTRACTOR_COLUMNS, [m.winner_b.pk, 1, 1, Decimal("1.0000"), 1, 1, Decimal("1.0000"), 1,
                                     Decimal("1.0000"), 0, None, None], strict=True))
    loser = dict(zip(CONTRACTOR_COLUMNS, [m.loser_a.pk, 1, 0, Decimal("0.0000"), 0, 0, None, 0, None, 0, None, None],
                     strict=True))
    return sorted([a, b, loser], key=lambda r: str(r["contractor_id"]))


def _expected_prices(category_id):
    row = {"category_id": category_id, "awarded_count": 2, "awarded_contractors": 2,
           # awarded $400 and $1,000: p25 = 400 + 600 * .25
           "awarded_p25_cents": 55_000, "awarded_median_cents": 70_000, "awarded_p75_cents": 85_000,
           # live bids $400, $1,000, $1,200 (the withdrawn $900 never counts)
           "bid_count": 3, "bid_contractors": 3, "bid_p25_cents": 70_000, "bid_median_cents": 100_000,
           "bid_p75_cents": 110_000}
    return [{**row, "scope": "zip3", "area": "787"}, {**row, "scope": "state", "area": "TX"}]


def test_market_fixture_is_what_the_docstring_says(market):
    assert set(Contract.objects.values_list("status", flat=True)) == {"completed"}
    assert set(Job.objects.filter(pk__in=[market.job_a.pk, market.job_b.pk]).values_list("status", flat=True)) == {
        "completed"}


def test_fallback_rows_match_the_hand_computed_figures(market):
    category_id = market.job_a.category_id
    assert fallback.daily_rows() == _expected_daily(market, category_id)
    assert sorted(fallback.contractor_rows(), key=lambda r: str(r["contractor_id"])) == _expected_contractors(market)
    prices = [{c: r[c] for c in PRICE_COLUMNS} for r in fallback.price_rows()]
    assert sorted(prices, key=lambda r: r["scope"], reverse=True) == _expected_prices(category_id)


@pytest.mark.postgres
def test_materialized_views_match_the_hand_computed_figures_and_the_fallback(market):
    logs = services.views_refresh()
    assert [log.view for log in logs] == ["analytics_marketplace_daily", "analytics_contractor_performance",
                                          "analytics_prices"]
    assert all(log.error == "" and log.rows and log.duration_ms >= 0 for log in logs)
    assert RefreshLog.objects.count() == 3
    category_id = market.job_a.category_id

    assert _view("analytics_marketplace_daily", "day") == _expected_daily(market, category_id)
    contractors = _view("analytics_contractor_performance", "contractor_id::text")
    assert contractors == _expected_contractors(market)
    prices = _view("analytics_prices", "scope DESC")
    assert [{c: r[c] for c in PRICE_COLUMNS} for r in prices] == _expected_prices(category_id)
    # The arrays the bands are cut from: amount order, with their jobs and contractors.
    assert prices[0]["awarded_amounts"] == [40_000, 100_000]
    assert prices[0]["awarded_jobs"] == [market.job_b.pk, market.job_a.pk]
    assert prices[0]["awarded_by"] == [market.winner_b.pk, market.winner_a.pk]
    # The same rows as the fallback computes (arrays included).
    assert sorted(fallback.price_rows(), key=lambda r: r["scope"], reverse=True) == prices


def test_staff_selectors_sum_the_range(market):
    """The page's figures for a range, trade and area filter (views on PostgreSQL, fallback on SQLite)."""
    if selectors.on_postgres():
        services.views_refresh()
    category_id = market.job_a.category_id
    everything = selectors.Filters(start=market.d1, end=market.d3)
    total = selectors.totals(selectors.daily_series(everything))
    assert (total["funded_cents"], total["net_fees_cents"], total["released_cents"], total["refunded_cents"]) == (
        140_000, 4_000, 80_000, 60_000)
    assert total["bids_per_job"] == 2 and total["dispute_rate"] == 1
    assert (total["first_bid_median_secs"], total["award_median_secs"]) == (5_400, 86_400)
    # Day 2 only; a range without activity is zeros, not an error.
    day2 = selectors.totals(selectors.daily_series(selectors.Filters(start=market.d2, end=market.d2)))
    assert (day2["funded_cents"], day2["jobs_posted"]) == (140_000, 0)
    assert [row["trade"] for row in selectors.by_trade(everything)] == [market.job_a.category.name]
    other_area = selectors.Filters(start=market.d1, end=market.d3, zip3="100")
    assert selectors.totals(selectors.daily_series(other_area))["funded_cents"] == 0
    other_trade = selectors.Filters(start=market.d1, end=market.d3, category_id=category_id + 1000)
    assert selectors.by_trade(other_trade) == []
