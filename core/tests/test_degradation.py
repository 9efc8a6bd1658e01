"""Degrade instead of failing: Redis unreachable (a real port with nothing listening), the
Celery broker down or its worker stopped, PostgreSQL unreachable, SQLite under concurrent
writers, and work lost with a killed worker picked up within two minutes."""

import logging
import socket
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import OperationalError
from django.utils import timezone

from core import cache as fail_open
from fairtrade.celery import app as celery_app
from jobs.tests.factories import JobFactory


def _dead_port() -> int:
    """A local TCP port with nothing listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings, monkeypatch):
    fail_open._circuit["open_until"] = 0.0
    fail_open._last_report["at"] = 0.0
    reports = []
    monkeypatch.setattr(fail_open.sentry_sdk, "capture_message", lambda message, level=None: reports.append(message))
    settings.CACHES = {"default": {
        "BACKEND": "core.cache.FailOpenRedisCache",
        "LOCATION": f"redis://127.0.0.1:{_dead_port()}/0",
        "OPTIONS": settings.CACHES["default"].get("OPTIONS", {"socket_connect_timeout": 0.5}),
    }}
    yield reports
    fail_open._circuit["open_until"] = 0.0


@pytest.fixture
def broker(settings):
    """Celery publishing for real (not eagerly) to a broker chosen by the test."""
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url", "broker_transport_options")}

    def point_at(url):
        celery_app.conf.update(task_always_eager=False, broker_url=url,
                               broker_transport_options={"socket_connect_timeout": 0.5, "max_retries": 0})
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    yield point_at
    celery_app.conf.update(saved)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


# --- Redis down -----------------------------------------------------------------------
@pytest.mark.django_db
def test_pages_and_api_reads_answer_with_redis_down_and_the_outage_is_reported(redis_down, client, caplog):
    job = JobFactory(title="Fix the garden gate latch")
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        for url in ("/", "/jobs/", f"/jobs/{job.pk}/", "/api/v1/jobs/", f"/api/v1/jobs/{job.pk}/"):
            response = client.get(url)
            assert response.status_code == 200, url
    assert "Fix the garden gate latch" in client.get("/jobs/").content.decode()
    assert any("failing open" in r.getMessage() for r in caplog.records)
    assert len(redis_down) == 1 and "Cache unavailable" in redis_down[0]  # throttled: one report per minute


@pytest.mark.django_db
def test_rate_limit_fails_open_only_while_redis_is_down(settings, client, monkeypatch, redis_down):
    from core.throttling import IPReadThrottle

    monkeypatch.setattr(IPReadThrottle, "rate", "2/min", raising=False)
    assert [client.get("/api/v1/jobs/").status_code for _ in range(4)] == [200] * 4  # fails open

    # Redis (or the in-process cache) back: the limit applies again.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "back"}}
    codes = [client.get("/api/v1/jobs/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


@pytest.mark.django_db
def test_sign_in_and_session_do_not_depend_on_redis(redis_down, client, homeowner, password):
    response = client.post("/accounts/login/", {"login": homeowner.email, "password": password})
    assert response.status_code == 302
    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200 and dashboard.wsgi_request.user == homeowner


# --- Broker down / worker stopped: writes commit, the outbox is sent later -----------------
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("outage", ["broker down", "worker stopped"])
def test_writes_commit_while_queueing_fails_and_the_outbox_is_sent_when_back(outage, broker, client, homeowner, password,
                                                                              settings):
    from notifications.models import NotificationDelivery

    if outage == "worker stopped":
        if not settings.REDIS_URL:
            pytest.skip("needs REDIS_URL: a real broker with no worker consuming it (CI sets it)")
        broker(settings.REDIS_URL)  # messages are accepted and wait in Redis: nobody consumes them
    else:
        broker(f"redis://127.0.0.1:{_dead_port()}/0")
    from bids.tests.factories import BidFactory

    job = JobFactory(homeowner=homeowner)
    BidFactory(job=job)
    client.force_login(homeowner)
    # A write that queues work: closing bidding notifies the homeowner and the bidders.
    response = client.post(f"/jobs/{job.pk}/close-bidding/")
    assert response.status_code == 302  # the page answered
    job.refresh_from_db()
    assert job.status == "reviewing"  # the write committed
    pending = NotificationDelivery.objects.filter(status="pending")
    assert pending.exists() and not mail.outbox  # the work waits in the outbox rows
    waiting = pending.count()

    # The broker (or the worker) is back: the one-minute sweep sends every row, once each.
    celery_app.conf.task_always_eager = True
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        from notifications import delivery

        assert delivery.sweep()["queued"] == waiting
    assert not NotificationDelivery.objects.filter(status="pending").exists()
    emails = NotificationDelivery.objects.filter(channel="email").count()
    assert emails >= 1 and len(mail.outbox) == emails


def test_lost_releases_refunds_and_notifications_are_picked_up_within_two_minutes():
    from disputes.schedule import SCHEDULE as DISPUTES
    from notifications import delivery
    from notifications.schedule import SCHEDULE as NOTIFICATIONS
    from notifications.tasks import deliver
    from payments.schedule import SCHEDULE as PAYMENTS
    from payments.services.sweeper import STALE_AFTER

    two_minutes = 120
    assert STALE_AFTER.total_seconds() + PAYMENTS["payments-sweep-stuck"]["schedule"] <= two_minutes
    assert not any("refund" in name for name in DISPUTES)  # fee refunds are payments refunds: swept above
    sweep = NOTIFICATIONS["notifications-sweep-deliveries"]["schedule"]
    assert delivery.STALE_SENDING.total_seconds() + sweep <= two_minutes
    assert delivery.SWEEP_GRACE.total_seconds() + sweep <= two_minutes
    # A send still running is never mistaken for a lost one: the task dies before it is stale.
    assert deliver.time_limit < delivery.STALE_SENDING.total_seconds()


@pytest.mark.django_db
def test_a_delivery_left_sending_by_a_killed_worker_is_settled_after_two_minutes(contractor):
    from notifications import delivery
    from notifications.models import NotificationDelivery

    row = NotificationDelivery.objects.create(recipient=contractor, event="test.lost", channel="email",
                                              to=contractor.email, subject="Hello", body_text="Body")
    delivery.claim(row.pk)  # the worker took it, then was killed before sending
    with time_machine.travel(timezone.now() + timedelta(seconds=119)):
        summary = delivery.sweep()
    row.refresh_from_db()
    assert summary["requeued"] + summary["recovered"] == 1
    assert row.status in ("sent", "delivered") and len(mail.outbox) == 1


# --- PostgreSQL down --------------------------------------------------------------------
@pytest.mark.django_db
def test_database_down_shows_the_designed_page_and_the_api_error_shape_with_503(client, monkeypatch):
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refuse(self):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)
    page = client.get("/jobs/")
    assert page.status_code == 503 and page["Retry-After"] == "30"
    html = page.content.decode()
    assert "be right back" in html and "Traceback" not in html and "5432" not in html
    api = client.get("/api/v1/jobs/")
    assert api.status_code == 503
    assert api.json()["error"]["code"] == "service_unavailable"


# --- SQLite: two people acting at once ------------------------------------------------------
def test_sqlite_concurrent_writers_wait_instead_of_database_is_locked(tmp_path, django_db_blocker):
    from django.db import connections, transaction

    from fairtrade.settings.base import SQLITE_OPTIONS

    alias = "sqlite_concurrency"
    connections.settings[alias] = connections.configure_settings({"default": {}, alias: {
        "ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "db.sqlite3"), "OPTIONS": dict(SQLITE_OPTIONS),
    }})[alias]
    errors, start = [], threading.Barrier(4)

    def act():
        try:
            start.wait()
            for _ in range(25):
                # Read then write in one transaction (lock, check, write): the pattern that a
                # deferred transaction turns into an immediate "database is locked".
                with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                    cursor.execute("SELECT held FROM escrow WHERE id = 1")
                    held = cursor.fetchone()[0]
                    cursor.execute("UPDATE escrow SET held = %s WHERE id = 1", [held + 1])
        except Exception as exc:  # any error is the failure under test
            errors.append(exc)
        finally:
            connections[alias].close()  # one connection per thread, as under gunicorn threads

    try:
        with django_db_blocker.unblock():
            with connections[alias].cursor() as cursor:
                cursor.execute("CREATE TABLE escrow (id INTEGER PRIMARY KEY, held INTEGER NOT NULL)")
                cursor.execute("INSERT INTO escrow (id, held) VALUES (1, 0)")
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
            threads = [threading.Thread(target=act) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert errors == []
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT held FROM escrow WHERE id = 1")
                assert cursor.fetchone()[0] == 100  # no lost update either
    finally:
        connections[alias].close()
        del connections.settings[alias]
