"""The staff analytics page in admin: who may see it, a fixed number of queries, the filters,
the CSV downloads, refresh on demand, and concurrent refresh while pages read (PostgreSQL)."""

import csv
import io
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from accounts.tests.factories import ContractorFactory
from analytics import selectors, services
from analytics.models import RefreshLog
from audit.models import AuditLog
from contracts.tests.factories import contract_for

from .market import build

pytestmark = pytest.mark.django_db
URL = "/admin/analytics/marketplaceinsights/"


@pytest.fixture
def market(homeowner, django_capture_on_commit_callbacks, settings):
    settings.PAYMENT_GATEWAY = "simulated"
    market = build(homeowner, django_capture_on_commit_callbacks)
    services.views_refresh()
    return market


def _range(m):
    return {"start": m.d1.isoformat(), "end": m.d3.isoformat()}


def test_url_and_admin_index_link(client, staff_user):
    assert reverse("admin:analytics_dashboard") == URL
    client.force_login(staff_user)
    assert URL in client.get("/admin/").content.decode()


@pytest.mark.parametrize("who,status", [("anonymous", 302), ("homeowner", 302), ("contractor", 302)])
def test_only_staff(client, homeowner, contractor, who, status):
    if who != "anonymous":
        client.force_login(homeowner if who == "homeowner" else contractor)
    for url in (URL, URL + "csv/daily/"):
        response = client.get(url)
        assert response.status_code == status and "/admin/login/" in response["Location"]
    assert client.post(URL + "refresh/").status_code == status


def test_page_shows_the_figures_with_a_fixed_number_of_queries(client, staff_user, market,
                                                              django_assert_max_num_queries):
    client.force_login(staff_user)
    # PostgreSQL reads the views (10 queries today); SQLite's fallback recomputes from the
    # tables with a fixed number of queries per table.
    limit = 12 if selectors.on_postgres() else 40
    with django_assert_max_num_queries(limit):
        body = client.get(URL, _range(market)).content.decode()
    for text in ("$1,400.00", "$800.00", "$40.00", "$600.00",  # GMV, released, net fees, refunds
                 "1 split", "1 refunded", "Funnel of jobs posted", "Dispute rate by trade", "100.0% (2 of 2)"):
        assert text in body, text
    assert body.count("<svg class=\"bars\"") == 4 and "<script>" not in body
    # More data does not mean more queries.
    for _ in range(5):
        contract_for(contractor=ContractorFactory(), milestones=[("All", 10_000)], zip_code="10001", city="New York",
                     state="NY")
    services.views_refresh()
    with django_assert_max_num_queries(limit):
        assert client.get(URL, _range(market)).status_code == 200


def test_bad_filters_keep_the_page_up(client, staff_user, market):
    client.force_login(staff_user)
    response = client.get(URL, {"start": "2026-02-30", "area": "78", "end": "x"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter the first three digits of a ZIP code." in body and "Key figures" in body
    response = client.get(URL, {"start": market.d3.isoformat(), "end": market.d1.isoformat()})
    assert "The start must be on or before the end." in response.content.decode()


def test_filters_narrow_the_figures(client, staff_user, market):
    client.force_login(staff_user)
    body = client.get(URL, {**_range(market), "area": "100"}).content.decode()
    assert "$1,400.00" not in body and "No activity in the range." in body


@pytest.mark.parametrize("table,header,expect", [
    ("daily", "funded_cents", "140000"),
    ("trades", "dispute_rate", "1.0"),
    ("contractors", "median_response_secs", "7200"),
    ("prices", "awarded_median_cents", "70000"),
])
def test_csv_of_each_table(client, staff_user, market, table, header, expect):
    client.force_login(staff_user)
    response = client.get(URL + f"csv/{table}/", _range(market))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f"fairtrade-{table}-" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert header in rows[0] and expect in [row[header] for row in rows]
    assert client.get(URL + "csv/nope/").status_code == 404


def test_csv_neutralises_formulas(client, staff_user, market):
    profile = market.loser_a.contractor_profile
    profile.business_name = "=HYPERLINK(\"http://evil\")"
    profile.save()
    client.force_login(staff_user)
    body = client.get(URL + "csv/contractors/").content.decode()
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body


@pytest.mark.postgres
def test_refresh_on_demand_is_logged_and_audited(client, staff_user, market):
    client.force_login(staff_user)
    before = RefreshLog.objects.count()
    response = client.post(URL + "refresh/")
    assert response.status_code == 302 and response["Location"] == URL
    logs = RefreshLog.objects.filter(trigger="staff", actor=staff_user)
    assert logs.count() == 3 == RefreshLog.objects.count() - before
    assert all(log.concurrent for log in logs)
    assert AuditLog.objects.filter(action="analytics.refreshed", actor=staff_user).exists()
    assert "last refreshed" in client.get(URL).content.decode()
    assert client.get(URL + "refresh/").status_code == 405


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_refresh_never_blocks_readers(homeowner, settings):
    """A reader holding the view open in its own transaction does not stop a CONCURRENTLY
    refresh (a plain REFRESH would wait for it), and readers during refreshes always see a
    complete view."""
    for cents in (100_000, 120_000, 140_000, 160_000, 180_000):
        contract_for(contractor=ContractorFactory(), milestones=[("All", cents)])
    services.views_refresh()
    expected = selectors._fetch("SELECT count(*) AS n, sum(awarded_count) AS s FROM analytics_prices")[0]

    reader_ready, refresh_done, errors, seen = threading.Event(), threading.Event(), [], []

    def hold_a_read():
        try:
            with connections["default"].cursor() as cursor:  # a second connection: this thread's own
                cursor.execute("BEGIN")
                cursor.execute("SELECT count(*) FROM analytics_prices")
                reader_ready.set()
                refresh_done.wait(10)
                cursor.execute("COMMIT")
        except Exception as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            connections["default"].close()

    def keep_reading():
        try:
            while not refresh_done.is_set():
                seen.append(selectors._fetch("SELECT count(*) AS n, sum(awarded_count) AS s FROM analytics_prices")[0])
        except Exception as exc:
            errors.append(exc)
        finally:
            connections["default"].close()

    holder, reader = threading.Thread(target=hold_a_read), threading.Thread(target=keep_reading)
    holder.start()
    assert reader_ready.wait(10)
    reader.start()
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '3s'")
    try:
        for _ in range(3):
            logs = services.views_refresh()
            assert all(log.error == "" and log.concurrent for log in logs), [log.error for log in logs]
        # The contrast: a plain refresh needs an exclusive lock and cannot get it.
        with pytest.raises(Exception, match="lock timeout"), connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
            cursor.execute("REFRESH MATERIALIZED VIEW analytics_prices")
    finally:
        refresh_done.set()
        holder.join(10)
        reader.join(10)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert errors == []
    assert seen and all(row == expected for row in seen)


def test_refresh_command(capsys):
    from django.core.management import call_command

    call_command("refresh_analytics")
    out = capsys.readouterr().out
    if selectors.on_postgres():
        assert "analytics_prices:" in out and "concurrently" in out
        assert RefreshLog.objects.filter(trigger="command").count() == 3
    else:
        assert "Nothing to refresh" in out
