"""The three views' rows computed with plain queries, for SQLite (the embedded default has no
materialized views, percentile_cont or GROUPING SETS). Each function mirrors its view in
analytics/sql.py step by step; tests compare both on the same data on PostgreSQL, so the two
cannot drift apart. Fine for `make run`'s demo data; production reads the views.
"""

from collections import defaultdict
from datetime import UTC, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, Min, OuterRef
from django.utils import timezone

from bids.models import Bid
from contracts.models import Contract
from disputes.models import Dispute
from jobs.models import Job
from payments.models import Payment, Refund, Release
from reviews.models import Review

from .sql import CONTRACTOR_COLUMNS, DAILY_COLUMNS
from .stats import percentile, quartiles

SUMMED = [c for c in DAILY_COLUMNS if not c.endswith("_median_secs")]


def _day(ts):
    return ts.astimezone(UTC).date()


def _zip3(zip_code):
    return zip_code[:3]


def _secs(delta) -> int:
    """extract(epoch ...)::bigint: rounded half away from zero."""
    return int(Decimal(str(delta.total_seconds())).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _events():
    """(day, category_id, zip3, metric, value), as the view's `events` CTE."""
    jobs = {j["id"]: j for j in Job.objects.values("id", "category_id", "zip_code", "created_at", "published_at", "status")}

    def at(job_id, ts, metric, value=1):
        job = jobs[job_id]
        return (_day(ts), job["category_id"], _zip3(job["zip_code"]), metric, value)

    events = []
    live_bid_jobs = set(Bid.objects.exclude(status="withdrawn").values_list("job_id", flat=True))
    live_contract_jobs, funded_jobs = set(), set()
    for job in jobs.values():
        events.append(at(job["id"], job["created_at"], "posted"))
        if job["published_at"]:
            events.append(at(job["id"], job["published_at"], "published"))
    for job_id, created, status, withdrawn_at in Bid.objects.values_list("job_id", "created_at", "status", "withdrawn_at"):
        events.append(at(job_id, created, "bids"))
        if status == "withdrawn" and withdrawn_at:
            events.append(at(job_id, withdrawn_at, "bids_withdrawn"))
    for job_id, created, status in Contract.objects.values_list("job_id", "created_at", "status"):
        events.append(at(job_id, created, "awards"))
        if status != "cancelled":
            live_contract_jobs.add(job_id)
        if status in ("active", "completed"):
            funded_jobs.add(job_id)
    for model, metric in ((Bid, "first_bid_secs"), (Contract, "award_secs")):
        for row in model.objects.values("job_id").annotate(first=Min("created_at")):
            published = jobs[row["job_id"]]["published_at"]
            if published:
                events.append(at(row["job_id"], row["first"], metric, _secs(row["first"] - published)))
    job_of = "milestone__contract__job_id"
    for job_id, ts, amount, fee in Payment.objects.filter(status="succeeded").values_list(job_of, "succeeded_at",
                                                                                          "amount_cents", "fee_cents"):
        events += [at(job_id, ts, "funded", amount), at(job_id, ts, "fees", fee)]
    refunds = Refund.objects.exclude(kind=Refund.Kind.FEE)
    fee_refunds = Refund.objects.filter(kind=Refund.Kind.FEE)
    for rows, metric in ((Release.objects, "released"), (refunds, "refunded"), (fee_refunds, "fee_refunds")):
        for job_id, ts, amount in rows.filter(status="succeeded").values_list(job_of, "succeeded_at", "amount_cents"):
            events.append(at(job_id, ts, metric, amount))
    for job_id, created, status, outcome, resolved, withdrawn in Dispute.objects.values_list(
            "contract__job_id", "created_at", "status", "outcome", "resolved_at", "withdrawn_at"):
        events.append(at(job_id, created, "disputes_opened"))
        if status in ("resolved", "withdrawn") and (resolved or withdrawn):
            events.append(at(job_id, resolved or withdrawn, f"disputes_{'withdrawn' if status == 'withdrawn' else outcome}"))
    for job in jobs.values():
        for metric, hit in (("cohort_with_bid", job["id"] in live_bid_jobs),
                            ("cohort_awarded", job["id"] in live_contract_jobs),
                            ("cohort_funded", job["id"] in funded_jobs),
                            ("cohort_completed", job["status"] == "completed")):
            if hit:
                events.append(at(job["id"], job["created_at"], metric))
    return events


def daily_rows() -> list[dict]:
    metric_column = {"posted": "jobs_posted", "published": "jobs_published", "bids": "bids_placed",
                     "funded": "funded_cents", "fees": "fees_cents", "released": "released_cents",
                     "refunded": "refunded_cents", "fee_refunds": "fee_refunds_cents"}
    groups = defaultdict(lambda: {"sums": defaultdict(int), "first_bid_secs": [], "award_secs": []})
    for day, category_id, zip3, metric, value in _events():
        group = groups[(day, category_id, zip3)]
        if metric in ("first_bid_secs", "award_secs"):
            group[metric].append(value)
        else:
            group["sums"][metric_column.get(metric, metric)] += value
    rows = []
    for (day, category_id, zip3), group in sorted(groups.items()):
        row = {"day": day, "category_id": category_id, "zip3": zip3}
        row |= {column: group["sums"].get(column, 0) for column in SUMMED}
        row["first_bid_median_secs"] = percentile(sorted(group["first_bid_secs"]), 0.5)
        row["award_median_secs"] = percentile(sorted(group["award_secs"]), 0.5)
        rows.append(row)
    return rows


def _ratio(numerator, denominator):
    if not denominator or numerator is None:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def contractor_rows() -> list[dict]:
    bids = defaultdict(int)
    for contractor_id in Bid.objects.exclude(status="withdrawn").values_list("contractor_id", flat=True):
        bids[contractor_id] += 1
    stats = defaultdict(lambda: defaultdict(int))
    disputed = Exists(Dispute.objects.filter(contract=OuterRef("pk")))
    for c in Contract.objects.exclude(status="cancelled").select_related("bid").annotate(has_dispute=disputed):
        row = stats[c.contractor_id]
        row["contracts"] += 1
        row["disputed"] += int(c.has_dispute)
        if c.status == "completed":
            row["completed"] += 1
            start = max(c.activated_at, timezone.datetime.combine(c.bid.proposed_start, timezone.datetime.min.time(), UTC))
            row["on_time"] += int(c.completed_at <= start + timedelta(days=c.bid.estimated_days))
    ratings = defaultdict(list)
    for subject_id, rating in Review.objects.filter(status="published", author_role="homeowner").values_list(
            "subject_id", "rating"):
        ratings[subject_id].append(rating)
    responses = defaultdict(list)
    for d in Dispute.objects.filter(responded_at__isnull=False).select_related("contract"):
        if d.opened_by_id == d.contract.homeowner_id:
            responses[d.contract.contractor_id].append((d.responded_at - d.created_at).total_seconds())
    rows = []
    for contractor_id, count in bids.items():
        s = stats.get(contractor_id, {})
        scores = ratings.get(contractor_id, [])
        average = (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if scores else None
        rows.append(dict(zip(CONTRACTOR_COLUMNS, [
            contractor_id, count, s.get("contracts", 0), _ratio(s.get("contracts", 0), count), s.get("completed", 0),
            s.get("on_time", 0), _ratio(s.get("on_time"), s.get("completed")), s.get("disputed", 0),
            _ratio(s.get("disputed"), s.get("contracts")), len(scores), average,
            percentile(sorted(responses[contractor_id]), 0.5) if contractor_id in responses else None,
        ], strict=True)))
    return rows


def price_rows(now=None) -> list[dict]:
    since = (now or timezone.now()) - timedelta(days=365)
    awarded, placed = defaultdict(list), defaultdict(list)
    for row in Contract.objects.exclude(status="cancelled").filter(created_at__gte=since).values(
            "job_id", "contractor_id", "total_cents", "job__category_id", "job__zip_code", "job__state"):
        for key in ((row["job__category_id"], "zip3", _zip3(row["job__zip_code"])),
                    (row["job__category_id"], "state", row["job__state"])):
            awarded[key].append((row["total_cents"], row["job_id"], row["contractor_id"]))
    for row in Bid.objects.exclude(status="withdrawn").filter(created_at__gte=since).values(
            "contractor_id", "amount_cents", "job__category_id", "job__zip_code", "job__state"):
        for key in ((row["job__category_id"], "zip3", _zip3(row["job__zip_code"])),
                    (row["job__category_id"], "state", row["job__state"])):
            placed[key].append((row["amount_cents"], row["contractor_id"]))
    rows = []
    for key in sorted(set(awarded) | set(placed), key=str):
        a = sorted(awarded.get(key, []), key=lambda item: (item[0], str(item[1])))
        p = sorted(cents for cents, _ in placed.get(key, []))
        a_cents = [cents for cents, _, _ in a]
        a25, a50, a75 = quartiles(a_cents)
        p25, p50, p75 = quartiles(p)
        rows.append({
            "category_id": key[0], "scope": key[1], "area": key[2],
            "awarded_count": len(a), "awarded_contractors": len({c for _, _, c in a}),
            "awarded_p25_cents": a25, "awarded_median_cents": a50, "awarded_p75_cents": a75,
            "bid_count": len(p), "bid_contractors": len({c for _, c in placed.get(key, [])}),
            "bid_p25_cents": p25, "bid_median_cents": p50, "bid_p75_cents": p75,
            "awarded_amounts": a_cents, "awarded_jobs": [j for _, j, _ in a], "awarded_by": [c for _, _, c in a],
        })
    return rows
