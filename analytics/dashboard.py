"""The staff analytics page: filters, KPI tiles, charts, tables and their CSV downloads.
Called from analytics.admin (the entry point); every figure comes from analytics.selectors."""

import csv
from datetime import timedelta

from django import forms
from django.core.validators import RegexValidator
from django.http import HttpResponse
from django.utils import timezone

from jobs.models import Category

from . import charts, selectors
from .sql import CONTRACTOR_COLUMNS, DAILY_COLUMNS, PRICE_COLUMNS, VIEWS

DEFAULT_DAYS = 30
MAX_DAYS = 366


class FiltersForm(forms.Form):
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    trade = forms.ModelChoiceField(Category.objects.all(), required=False, empty_label="All trades")
    area = forms.CharField(required=False, max_length=3, label="Area (ZIP3)",
                           validators=[RegexValidator(r"^\d{3}$", "Enter the first three digits of a ZIP code.")],
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "e.g. 787", "size": 5}))

    def clean(self):
        data = super().clean()
        today = timezone.now().date()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            self.add_error("start", "The start must be on or before the end.")
        elif (end - start).days >= MAX_DAYS:
            self.add_error("start", f"Choose at most {MAX_DAYS} days.")
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> selectors.Filters:
        data = self.cleaned_data
        trade = data.get("trade")
        return selectors.Filters(start=data["start"], end=data["end"], category_id=trade.pk if trade else None,
                                 zip3=data.get("area") or "")


def filters_from(params) -> tuple[FiltersForm, selectors.Filters]:
    """Bad filters never break the page: the form shows the error, the page the default range."""
    form = FiltersForm(params or None)
    if form.is_bound and form.is_valid():
        return form, form.filters()
    end = timezone.now().date()
    return form, selectors.Filters(start=end - timedelta(days=DEFAULT_DAYS - 1), end=end)


def _refreshes() -> list:
    if not selectors.on_postgres():
        return []
    latest = selectors.last_refreshes()
    return [(view.name, latest.get(view.name)) for view in VIEWS]


def _cell(value):
    """A CSV cell; text that a spreadsheet would run as a formula is quoted (business names
    are typed by users)."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def context(params) -> dict:
    form, filters = filters_from(params)
    series = selectors.daily_series(filters)
    total = selectors.totals(series)
    trades = selectors.by_trade(filters)
    funnel_steps = [("Posted", total["jobs_posted"]), ("Got a bid", total["cohort_with_bid"]),
                    ("Awarded", total["cohort_awarded"]), ("Funded", total["cohort_funded"]),
                    ("Completed", total["cohort_completed"])]
    posted = total["jobs_posted"] or 0
    funnel, funnel_height = charts.hbars([
        (label, value, f"{value:,}" + (f" ({100 * value / posted:.0f}%)" if posted else "")) for label, value in funnel_steps
    ])
    rated = [t for t in trades if t["dispute_rate"] is not None]
    dispute_bars, dispute_height = charts.hbars([
        (t["trade"], t["dispute_rate"], f"{100 * t['dispute_rate']:.1f}% ({t['disputes_opened']} of {t['awards']})")
        for t in rated
    ])
    return {
        "form": form,
        "filters": filters,
        "refreshes": _refreshes(),
        "on_postgres": selectors.on_postgres(),
        "total": total,
        "charts": [
            charts.day_bars(series, "funded_cents", title="GMV: funded into escrow per day", slug="gmv", money=True),
            charts.day_bars(series, "fees_cents", title="Platform fees per day", slug="fees", money=True),
            charts.day_bars(series, "jobs_posted", title="Jobs posted per day", slug="jobs"),
            charts.day_bars(series, "bids_placed", title="Bids placed per day", slug="bids"),
        ],
        "funnel": funnel, "funnel_height": funnel_height,
        "dispute_bars": dispute_bars, "dispute_height": dispute_height,
        "series": series, "trades": trades,
        "contractors": selectors.contractor_rows(limit=20),
        "prices": [row for row in selectors.price_rows(filters) if row["scope"] == "zip3"][:50],
        "query": params.urlencode() if params else "",
    }


def csv_response(table: str, params) -> HttpResponse | None:
    """The full table behind the page, as CSV (None for an unknown table: a 404)."""
    _, filters = filters_from(params)
    if table == "daily":
        columns, rows = ["day", *DAILY_COLUMNS], selectors.daily_series(filters)
    elif table == "trades":
        columns = ["trade", "awards", "disputes_opened", "dispute_rate", *[c for c in DAILY_COLUMNS if c not in (
            "awards", "disputes_opened", "first_bid_median_secs", "award_median_secs")]]
        rows = selectors.by_trade(filters)
    elif table == "contractors":
        columns, rows = ["business_name", *CONTRACTOR_COLUMNS], selectors.contractor_rows()
    elif table == "prices":
        columns, rows = ["trade", *PRICE_COLUMNS], selectors.price_rows(filters)
    else:
        return None
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fairtrade-{table}-{filters.start}-{filters.end}.csv"'
    writer = csv.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return response
