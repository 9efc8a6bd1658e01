"""Reads of the analytics views. PostgreSQL: the materialized views (analytics/sql.py), filtered
and summed in SQL. SQLite: the same rows from analytics.fallback, summed here.

Privacy of price benchmarks: a band is shown only when it comes from at least
MIN_AWARDED awarded contracts by at least MIN_CONTRACTORS different contractors in the last
12 months, never counting the job it is shown on; otherwise the state-wide band (labelled as
such) when that one qualifies, otherwise nothing ("not enough local data yet").
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection

from core.geo import lookup_zip
from jobs.models import Category

from . import fallback
from .models import RefreshLog
from .sql import DAILY, PRICE_COLUMNS, VIEWS
from .stats import quartiles

MIN_AWARDED = 5
MIN_CONTRACTORS = 5
SUMMED = fallback.SUMMED


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def _fetch(sql: str, params=()) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- Staff page ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    category_id: int | None = None
    zip3: str = ""

    def keep(self, row) -> bool:
        return ((self.category_id is None or row["category_id"] == self.category_id)
                and (not self.zip3 or row["zip3"] == self.zip3)
                and ("day" not in row or self.start <= row["day"] <= self.end))

    def where(self) -> tuple[str, list]:
        clauses, params = ["day >= %s", "day <= %s"], [self.start, self.end]
        if self.category_id is not None:
            clauses.append("category_id = %s")
            params.append(self.category_id)
        if self.zip3:
            clauses.append("zip3 = %s")
            params.append(self.zip3)
        return " AND ".join(clauses), params


def _grouped(filters: Filters, key: str) -> list[dict]:
    """The daily view summed per `key` (day or category_id) over the filters, plus the
    median of the per-row medians of time to first bid and to award."""
    if on_postgres():
        where, params = filters.where()
        sums = ", ".join(f"sum({c})::bigint AS {c}" for c in SUMMED)
        medians = ("percentile_disc(0.5) WITHIN GROUP (ORDER BY first_bid_median_secs) AS first_bid_median_secs, "
                   "percentile_disc(0.5) WITHIN GROUP (ORDER BY award_median_secs) AS award_median_secs")
        return _fetch(f"SELECT {key}, {sums}, {medians} FROM {DAILY.name} WHERE {where} "  # noqa: S608 # nosec B608 (constant identifiers; values are parameters)
                      f"GROUP BY {key} ORDER BY {key}", params)
    groups = defaultdict(list)
    for row in fallback.daily_rows():
        if filters.keep(row):
            groups[row[key]].append(row)
    out = []
    for value, rows in sorted(groups.items()):
        summed = {key: value} | {c: sum(r[c] for r in rows) for c in SUMMED}
        for c in ("first_bid_median_secs", "award_median_secs"):
            values = sorted(r[c] for r in rows if r[c] is not None)
            summed[c] = values[(len(values) - 1) // 2] if values else None  # percentile_disc(0.5)
        out.append(summed)
    return out


def daily_series(filters: Filters) -> list[dict]:
    """One row per day of the range (days without activity as zeros, so charts have no gaps)."""
    by_day = {row["day"]: row for row in _grouped(filters, "day")}
    series, day = [], filters.start
    while day <= filters.end:
        series.append(by_day.get(day) or {"day": day, **dict.fromkeys(SUMMED, 0),
                                          "first_bid_median_secs": None, "award_median_secs": None})
        day += timedelta(days=1)
    return series


def by_trade(filters: Filters) -> list[dict]:
    names = dict(Category.objects.values_list("id", "name"))
    rows = _grouped(filters, "category_id")
    for row in rows:
        row["trade"] = names.get(row["category_id"], "?")
        row["dispute_rate"] = row["disputes_opened"] / row["awards"] if row["awards"] else None
    return sorted(rows, key=lambda r: r["trade"])


def totals(series: list[dict]) -> dict:
    total = {c: sum(row[c] for row in series) for c in SUMMED}
    total["net_fees_cents"] = total["fees_cents"] - total["fee_refunds_cents"]
    total["bids_per_job"] = total["bids_placed"] / total["jobs_published"] if total["jobs_published"] else None
    total["dispute_rate"] = total["disputes_opened"] / total["awards"] if total["awards"] else None
    for c in ("first_bid_median_secs", "award_median_secs"):
        values = sorted(row[c] for row in series if row[c] is not None)
        total[c] = values[(len(values) - 1) // 2] if values else None  # the median day
    return total


def contractor_rows(limit: int | None = None) -> list[dict]:
    """Contractor performance, most contracts first, with the business name."""
    if on_postgres():
        sql = ("SELECT v.*, p.business_name FROM analytics_contractor_performance v "
               "LEFT JOIN accounts_contractorprofile p ON p.user_id = v.contractor_id "
               "ORDER BY v.contracts DESC, v.bids DESC, v.contractor_id")
        if limit:
            sql += f" LIMIT {int(limit)}"
        return _fetch(sql)
    from accounts.models import ContractorProfile

    rows = sorted(fallback.contractor_rows(), key=lambda r: (-r["contracts"], -r["bids"], str(r["contractor_id"])))
    rows = rows[:limit] if limit else rows
    names = dict(ContractorProfile.objects.filter(user_id__in=[r["contractor_id"] for r in rows])
                 .values_list("user_id", "business_name"))
    return [r | {"business_name": names.get(r["contractor_id"], "")} for r in rows]


def _price_rows(category_id=None, areas: list[tuple[str, str]] | None = None, *, arrays=False) -> list[dict]:
    if on_postgres():
        columns = ", ".join(PRICE_COLUMNS + (["awarded_amounts", "awarded_jobs", "awarded_by"] if arrays else []))
        clauses, params = [], []
        if category_id is not None:
            clauses.append("category_id = %s")
            params.append(category_id)
        if areas:
            clauses.append("(" + " OR ".join("(scope = %s AND area = %s)" for _ in areas) + ")")
            params += [value for pair in areas for value in pair]
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return _fetch(f"SELECT {columns} FROM analytics_prices {where} "  # noqa: S608 # nosec B608 (constant identifiers; values are parameters)
                      "ORDER BY category_id, scope DESC, area", params)
    rows = [r for r in fallback.price_rows()
            if (category_id is None or r["category_id"] == category_id) and (not areas or (r["scope"], r["area"]) in areas)]
    return sorted(rows, key=lambda r: (r["category_id"], r["scope"] != "zip3", r["area"]))


def price_rows(filters: Filters | None = None) -> list[dict]:
    """The prices table for staff (zip3 rows; filtered by trade and area)."""
    areas = [("zip3", filters.zip3)] if filters and filters.zip3 else None
    rows = _price_rows(filters.category_id if filters else None, areas)
    names = dict(Category.objects.values_list("id", "name"))
    return [{"trade": names.get(r["category_id"], "?"), **{c: r[c] for c in PRICE_COLUMNS}} for r in rows]


def last_refreshes() -> dict[str, RefreshLog]:
    """The latest refresh of each view (one query)."""
    latest = {}
    names = [view.name for view in VIEWS]
    for log in RefreshLog.objects.filter(view__in=names).order_by("view", "-created_at").distinct("view") \
            if on_postgres() else RefreshLog.objects.filter(view__in=names).order_by("-created_at"):
        latest.setdefault(log.view, log)
    return latest


# --- Price benchmarks for people ----------------------------------------------------------
@dataclass(frozen=True)
class PriceBand:
    scope: str  # "zip3" | "state"
    area: str
    low_cents: int
    median_cents: int
    high_cents: int
    jobs: int

    @property
    def state_wide(self) -> bool:
        return self.scope == "state"

    def position(self, cents: int) -> str:
        """Where an amount stands: below, within or above the typical (p25-p75) range."""
        if cents < self.low_cents:
            return "below"
        return "above" if cents > self.high_cents else "within"

    def as_dict(self) -> dict:
        return {"scope": self.scope, "area": self.area, "low_cents": self.low_cents, "median_cents": self.median_cents,
                "high_cents": self.high_cents, "jobs": self.jobs}


@dataclass
class Benchmark:
    category: Category
    zip3: str
    state: str
    local: PriceBand | None = None
    state_band: PriceBand | None = None
    bids: dict | None = field(default=None, repr=False)

    @property
    def band(self) -> PriceBand | None:
        """What to show: the local band, else the state-wide one (labelled as such)."""
        return self.local or self.state_band


def _band(row: dict | None, exclude_job_id) -> PriceBand | None:
    if row is None:
        return None
    entries = [(cents, job, by) for cents, job, by in zip(row["awarded_amounts"], row["awarded_jobs"], row["awarded_by"],
                                                          strict=True) if str(job) != str(exclude_job_id)]
    if len(entries) < MIN_AWARDED or len({str(by) for _, _, by in entries}) < MIN_CONTRACTORS:
        return None
    low, median, high = quartiles([cents for cents, _, _ in entries])
    return PriceBand(scope=row["scope"], area=row["area"], low_cents=low, median_cents=median, high_cents=high,
                     jobs=len(entries))


def _benchmark(category: Category, zip3: str, state: str, rows: dict, exclude_job_id) -> Benchmark:
    benchmark = Benchmark(category=category, zip3=zip3, state=state, local=_band(rows.get("zip3"), exclude_job_id))
    if benchmark.local is None:
        benchmark.state_band = _band(rows.get("state"), exclude_job_id)
    local = rows.get("zip3")
    # The bids of the last 12 months (API only: they may include the bids of a job being shown).
    if (exclude_job_id is None and benchmark.local and local and local["bid_count"] >= MIN_AWARDED
            and local["bid_contractors"] >= MIN_CONTRACTORS):
        benchmark.bids = {"count": local["bid_count"], "p25_cents": local["bid_p25_cents"],
                          "median_cents": local["bid_median_cents"], "p75_cents": local["bid_p75_cents"]}
    return benchmark


def _area(zip_code: str, state: str) -> tuple[str, str]:
    return (zip_code or "")[:3], state or getattr(lookup_zip(zip_code or ""), "state", "")


def price_benchmark(category: Category, zip_code: str, *, state: str = "", exclude_job_id=None) -> Benchmark:
    """The band for a trade around a ZIP (one query), leaving `exclude_job_id` out."""
    zip3, state = _area(zip_code, state)
    rows = {r["scope"]: r for r in _price_rows(category.pk, [("zip3", zip3), ("state", state)], arrays=True)}
    return _benchmark(category, zip3, state, rows, exclude_job_id)


def benchmarks_near(zip_code: str) -> list[Benchmark]:
    """Every trade with a band (local, else state-wide) around a ZIP, in trade order (two queries):
    what a homeowner sees while posting a job."""
    zip3, state = _area(zip_code, "")
    rows = defaultdict(dict)
    for row in _price_rows(None, [("zip3", zip3), ("state", state)], arrays=True):
        rows[row["category_id"]][row["scope"]] = row
    benchmarks = [_benchmark(category, zip3, state, rows[category.pk], None)
                  for category in Category.objects.filter(pk__in=list(rows))]
    return [b for b in benchmarks if b.band is not None]
