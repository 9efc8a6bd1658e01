"""The materialized views (PostgreSQL), written once: the migration creates them from here and
the refresh service refreshes exactly this list.

Every view has a unique index so `REFRESH MATERIALIZED VIEW CONCURRENTLY` can run while pages
read it. Days are UTC dates. Amounts are integer cents; percentiles are PostgreSQL's
`percentile_cont` (linear interpolation) rounded half away from zero to whole cents, the same
arithmetic as analytics.stats.percentile (the SQLite fallback and per-job exclusions).
"""

from dataclasses import dataclass

# Local area = the first three digits of the ZIP (the USPS sectional centre): big enough to
# pool jobs, small enough to be "around here".
ZIP3 = "left(j.zip_code, 3)"
DAY = "(({col}) AT TIME ZONE 'UTC')::date"


def _pct(p: float, expr: str, where: str = "") -> str:
    filt = f" FILTER (WHERE {where})" if where else ""
    return f"round((percentile_cont({p}) WITHIN GROUP (ORDER BY {expr}){filt})::numeric)::bigint"


def _sum(metric: str) -> str:
    return f"COALESCE(sum(value) FILTER (WHERE metric = '{metric}'), 0)::bigint"


# Each branch is already summed per (day, trade, area) and emits narrow rows (metric, value)
# that the view pivots: ~20 metrics x the active groups instead of a row per event (a 1M-row
# sort at 100,000 jobs). Jobs are read once, with their first bid and first contract.
# Funnel columns (cohort_*) are dated by the day the job was posted: "of the jobs posted that
# day, how many got a bid, were awarded, funded, completed".
_EVENTS = f"""
    WITH per_job AS (
        SELECT j.id, j.category_id, {ZIP3} AS zip3, j.created_at, j.published_at, j.status,
               fb.first_at AS first_bid_at, fb.live AS has_live_bid,
               fc.first_at AS first_award_at, fc.live AS has_live_contract, fc.funded AS was_funded
          FROM jobs_job j
          LEFT JOIN (SELECT job_id, min(created_at) AS first_at, bool_or(status <> 'withdrawn') AS live
                       FROM bids_bid GROUP BY job_id) fb ON fb.job_id = j.id
          LEFT JOIN (SELECT job_id, min(created_at) AS first_at, bool_or(status <> 'cancelled') AS live,
                            bool_or(status IN ('active', 'completed')) AS funded
                       FROM contracts_contract GROUP BY job_id) fc ON fc.job_id = j.id
    ), money AS (
        SELECT ms.id AS milestone_id, j.category_id, {ZIP3} AS zip3
          FROM contracts_milestone ms
          JOIN contracts_contract c ON c.id = ms.contract_id
          JOIN jobs_job j ON j.id = c.job_id
    ), grouped AS (
        SELECT {DAY.format(col='created_at')} AS day, category_id, zip3,
               count(*) AS posted,
               count(*) FILTER (WHERE has_live_bid) AS cohort_with_bid,
               count(*) FILTER (WHERE has_live_contract) AS cohort_awarded,
               count(*) FILTER (WHERE was_funded) AS cohort_funded,
               count(*) FILTER (WHERE status = 'completed') AS cohort_completed
          FROM per_job GROUP BY 1, 2, 3
    )
    SELECT day, category_id, zip3, m.metric, m.value
      FROM grouped CROSS JOIN LATERAL (VALUES ('posted', posted), ('cohort_with_bid', cohort_with_bid),
           ('cohort_awarded', cohort_awarded), ('cohort_funded', cohort_funded), ('cohort_completed', cohort_completed))
           AS m(metric, value)
    UNION ALL
    SELECT {DAY.format(col='published_at')}, category_id, zip3, 'published', count(*) FROM per_job
     WHERE published_at IS NOT NULL GROUP BY 1, 2, 3
    UNION ALL
    SELECT {DAY.format(col='first_bid_at')}, category_id, zip3, 'first_bid_median_secs',
           {_pct(0.5, 'extract(epoch FROM first_bid_at - published_at)::bigint')}
      FROM per_job WHERE published_at IS NOT NULL AND first_bid_at IS NOT NULL GROUP BY 1, 2, 3
    UNION ALL
    SELECT {DAY.format(col='first_award_at')}, category_id, zip3, 'award_median_secs',
           {_pct(0.5, 'extract(epoch FROM first_award_at - published_at)::bigint')}
      FROM per_job WHERE published_at IS NOT NULL AND first_award_at IS NOT NULL GROUP BY 1, 2, 3
    UNION ALL
    SELECT {DAY.format(col='b.created_at')}, j.category_id, {ZIP3}, 'bids', count(*)
      FROM bids_bid b JOIN jobs_job j ON j.id = b.job_id GROUP BY 1, 2, 3
    UNION ALL
    SELECT {DAY.format(col='b.withdrawn_at')}, j.category_id, {ZIP3}, 'bids_withdrawn', count(*)
      FROM bids_bid b JOIN jobs_job j ON j.id = b.job_id
     WHERE b.status = 'withdrawn' AND b.withdrawn_at IS NOT NULL GROUP BY 1, 2, 3
    UNION ALL
    SELECT {DAY.format(col='c.created_at')}, j.category_id, {ZIP3}, 'awards', count(*)
      FROM contracts_contract c JOIN jobs_job j ON j.id = c.job_id GROUP BY 1, 2, 3
    UNION ALL
    SELECT day, category_id, zip3, m.metric, m.value FROM (
        SELECT {DAY.format(col='p.succeeded_at')} AS day, money.category_id, money.zip3,
               sum(p.amount_cents) AS funded, sum(p.fee_cents) AS fees
          FROM payments_payment p JOIN money ON money.milestone_id = p.milestone_id
         WHERE p.status = 'succeeded' GROUP BY 1, 2, 3
    ) paid CROSS JOIN LATERAL (VALUES ('funded', funded), ('fees', fees)) AS m(metric, value)
    UNION ALL
    SELECT {DAY.format(col='r.succeeded_at')}, money.category_id, money.zip3, 'released', sum(r.amount_cents)
      FROM payments_release r JOIN money ON money.milestone_id = r.milestone_id
     WHERE r.status = 'succeeded' GROUP BY 1, 2, 3
    UNION ALL
    SELECT {DAY.format(col='r.succeeded_at')}, money.category_id, money.zip3, 'refunded', sum(r.amount_cents)
      FROM payments_refund r JOIN money ON money.milestone_id = r.milestone_id
     WHERE r.status = 'succeeded' AND r.kind <> 'fee' GROUP BY 1, 2, 3
    UNION ALL
    SELECT {DAY.format(col='f.succeeded_at')}, money.category_id, money.zip3, 'fee_refunds', sum(f.amount_cents)
      FROM payments_refund f JOIN money ON money.milestone_id = f.milestone_id
     WHERE f.status = 'succeeded' AND f.kind = 'fee' GROUP BY 1, 2, 3
    UNION ALL
    SELECT {DAY.format(col='d.created_at')}, money.category_id, money.zip3, 'disputes_opened', count(*)
      FROM disputes_dispute d JOIN money ON money.milestone_id = d.milestone_id GROUP BY 1, 2, 3
    UNION ALL
    SELECT {DAY.format(col='coalesce(d.resolved_at, d.withdrawn_at)')}, money.category_id, money.zip3,
           'disputes_' || CASE WHEN d.status = 'withdrawn' THEN 'withdrawn' ELSE d.outcome END, count(*)
      FROM disputes_dispute d JOIN money ON money.milestone_id = d.milestone_id
     WHERE d.status IN ('resolved', 'withdrawn') GROUP BY 1, 2, 3, 4
"""  # noqa: S608 # nosec B608 (constant fragments only: no input reaches this SQL)

DAILY_COLUMNS = [
    "jobs_posted", "jobs_published", "bids_placed", "bids_withdrawn", "awards",
    "first_bid_median_secs", "award_median_secs",
    "funded_cents", "fees_cents", "released_cents", "refunded_cents", "fee_refunds_cents",
    "disputes_opened", "disputes_release", "disputes_refund", "disputes_split", "disputes_withdrawn",
    "cohort_with_bid", "cohort_awarded", "cohort_funded", "cohort_completed",
]

_DAILY = f"""
CREATE MATERIALIZED VIEW analytics_marketplace_daily AS
WITH events AS ({_EVENTS})
SELECT day, category_id, zip3,
       {_sum('posted')} AS jobs_posted,
       {_sum('published')} AS jobs_published,
       {_sum('bids')} AS bids_placed,
       {_sum('bids_withdrawn')} AS bids_withdrawn,
       {_sum('awards')} AS awards,
       max(value) FILTER (WHERE metric = 'first_bid_median_secs') AS first_bid_median_secs,
       max(value) FILTER (WHERE metric = 'award_median_secs') AS award_median_secs,
       {_sum('funded')} AS funded_cents,
       {_sum('fees')} AS fees_cents,
       {_sum('released')} AS released_cents,
       {_sum('refunded')} AS refunded_cents,
       {_sum('fee_refunds')} AS fee_refunds_cents,
       {_sum('disputes_opened')} AS disputes_opened,
       {_sum('disputes_release')} AS disputes_release,
       {_sum('disputes_refund')} AS disputes_refund,
       {_sum('disputes_split')} AS disputes_split,
       {_sum('disputes_withdrawn')} AS disputes_withdrawn,
       {_sum('cohort_with_bid')} AS cohort_with_bid,
       {_sum('cohort_awarded')} AS cohort_awarded,
       {_sum('cohort_funded')} AS cohort_funded,
       {_sum('cohort_completed')} AS cohort_completed
  FROM events
 WHERE day IS NOT NULL
 GROUP BY day, category_id, zip3
"""  # noqa: S608 # nosec B608 (constant fragments only)

CONTRACTOR_COLUMNS = [
    "contractor_id", "bids", "contracts", "win_rate", "completed", "on_time", "on_time_rate", "disputed_contracts",
    "dispute_rate", "reviews", "average_rating", "median_response_secs",
]

# On time: completed no later than the bid's estimated days after work could start (the later
# of the proposed start and the first funding). Response time: how long the contractor took to
# answer a dispute the homeowner opened (the one question on the platform a contractor must
# answer, with a 5-day clock; the messaging workspace will add its own measure).
_CONTRACTORS = """
CREATE MATERIALIZED VIEW analytics_contractor_performance AS
WITH b AS (
    SELECT contractor_id, count(*) AS bids FROM bids_bid WHERE status <> 'withdrawn' GROUP BY contractor_id
), c AS (
    SELECT c.contractor_id,
           count(*) AS contracts,
           count(*) FILTER (WHERE c.status = 'completed') AS completed,
           count(*) FILTER (WHERE c.status = 'completed' AND c.completed_at <=
               greatest(c.activated_at, bid.proposed_start::timestamp AT TIME ZONE 'UTC')
               + bid.estimated_days * interval '1 day') AS on_time,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM disputes_dispute d WHERE d.contract_id = c.id)) AS disputed
      FROM contracts_contract c JOIN bids_bid bid ON bid.id = c.bid_id
     WHERE c.status <> 'cancelled'
     GROUP BY c.contractor_id
), r AS (
    SELECT subject_id AS contractor_id, count(*) AS reviews, round(avg(rating)::numeric, 2) AS average_rating
      FROM reviews_review WHERE status = 'published' AND author_role = 'homeowner' GROUP BY subject_id
), q AS (
    SELECT c.contractor_id,
           round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.responded_at - d.created_at)))::numeric)::bigint
               AS median_response_secs
      FROM disputes_dispute d JOIN contracts_contract c ON c.id = d.contract_id
     WHERE d.opened_by_id = c.homeowner_id AND d.responded_at IS NOT NULL
     GROUP BY c.contractor_id
)
SELECT b.contractor_id, b.bids,
       coalesce(c.contracts, 0) AS contracts,
       round(coalesce(c.contracts, 0)::numeric / b.bids, 4) AS win_rate,
       coalesce(c.completed, 0) AS completed,
       coalesce(c.on_time, 0) AS on_time,
       round(c.on_time::numeric / nullif(c.completed, 0), 4) AS on_time_rate,
       coalesce(c.disputed, 0) AS disputed_contracts,
       round(c.disputed::numeric / nullif(c.contracts, 0), 4) AS dispute_rate,
       coalesce(r.reviews, 0) AS reviews,
       r.average_rating,
       q.median_response_secs
  FROM b
  LEFT JOIN c ON c.contractor_id = b.contractor_id
  LEFT JOIN r ON r.contractor_id = b.contractor_id
  LEFT JOIN q ON q.contractor_id = b.contractor_id
"""

PRICE_COLUMNS = [
    "category_id", "scope", "area", "awarded_count", "awarded_contractors", "awarded_p25_cents",
    "awarded_median_cents", "awarded_p75_cents", "bid_count", "bid_contractors", "bid_p25_cents",
    "bid_median_cents", "bid_p75_cents",
]

# Prices of the last 12 months per trade, by ZIP3 and (for the "state-wide" fallback) by state.
# The awarded amounts come with their job and contractor ids, in amount order, so a page can
# leave the job it is about out of the band (analytics.selectors.price_band) without a query
# over the base tables.
_PRICES = f"""
CREATE MATERIALIZED VIEW analytics_prices AS
WITH awarded AS (
    SELECT j.category_id, {ZIP3} AS zip3, j.state, c.job_id, c.contractor_id, c.total_cents AS cents
      FROM contracts_contract c JOIN jobs_job j ON j.id = c.job_id
     WHERE c.status <> 'cancelled' AND c.created_at >= now() - interval '12 months'
), placed AS (
    SELECT j.category_id, {ZIP3} AS zip3, j.state, b.contractor_id, b.amount_cents AS cents
      FROM bids_bid b JOIN jobs_job j ON j.id = b.job_id
     WHERE b.status <> 'withdrawn' AND b.created_at >= now() - interval '12 months'
), a AS (
    SELECT category_id, CASE WHEN grouping(zip3) = 0 THEN 'zip3' ELSE 'state' END AS scope,
           coalesce(zip3, state) AS area,
           count(*) AS awarded_count, count(DISTINCT contractor_id) AS awarded_contractors,
           {_pct(0.25, 'cents')} AS awarded_p25_cents,
           {_pct(0.5, 'cents')} AS awarded_median_cents,
           {_pct(0.75, 'cents')} AS awarded_p75_cents,
           array_agg(cents ORDER BY cents, job_id) AS awarded_amounts,
           array_agg(job_id ORDER BY cents, job_id) AS awarded_jobs,
           array_agg(contractor_id ORDER BY cents, job_id) AS awarded_by
      FROM awarded GROUP BY GROUPING SETS ((category_id, zip3), (category_id, state))
), p AS (
    SELECT category_id, CASE WHEN grouping(zip3) = 0 THEN 'zip3' ELSE 'state' END AS scope,
           coalesce(zip3, state) AS area,
           count(*) AS bid_count, count(DISTINCT contractor_id) AS bid_contractors,
           {_pct(0.25, 'cents')} AS bid_p25_cents,
           {_pct(0.5, 'cents')} AS bid_median_cents,
           {_pct(0.75, 'cents')} AS bid_p75_cents
      FROM placed GROUP BY GROUPING SETS ((category_id, zip3), (category_id, state))
)
SELECT coalesce(a.category_id, p.category_id) AS category_id, coalesce(a.scope, p.scope) AS scope,
       coalesce(a.area, p.area) AS area,
       coalesce(a.awarded_count, 0) AS awarded_count, coalesce(a.awarded_contractors, 0) AS awarded_contractors,
       a.awarded_p25_cents, a.awarded_median_cents, a.awarded_p75_cents,
       coalesce(p.bid_count, 0) AS bid_count, coalesce(p.bid_contractors, 0) AS bid_contractors,
       p.bid_p25_cents, p.bid_median_cents, p.bid_p75_cents,
       coalesce(a.awarded_amounts, '{{}}') AS awarded_amounts,
       coalesce(a.awarded_jobs, '{{}}') AS awarded_jobs,
       coalesce(a.awarded_by, '{{}}') AS awarded_by
  FROM a FULL OUTER JOIN p ON p.category_id = a.category_id AND p.scope = a.scope AND p.area = a.area
"""  # noqa: S608 # nosec B608 (constant fragments only)


@dataclass(frozen=True)
class View:
    name: str
    create: str
    unique_index: str  # columns; the unique index is what lets REFRESH ... CONCURRENTLY run
    indexes: tuple[str, ...] = ()

    def forwards(self) -> list[str]:
        return [
            self.create,
            f"CREATE UNIQUE INDEX {self.name}_key ON {self.name} ({self.unique_index})",
            *(f"CREATE INDEX {self.name}_{i}_idx ON {self.name} ({cols})" for i, cols in enumerate(self.indexes, 1)),
        ]

    def backwards(self) -> list[str]:
        return [f"DROP MATERIALIZED VIEW IF EXISTS {self.name}"]


DAILY = View("analytics_marketplace_daily", _DAILY, "day, category_id, zip3")
CONTRACTORS = View("analytics_contractor_performance", _CONTRACTORS, "contractor_id")
PRICES = View("analytics_prices", _PRICES, "category_id, scope, area")
VIEWS = (DAILY, CONTRACTORS, PRICES)
