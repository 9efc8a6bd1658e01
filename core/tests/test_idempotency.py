"""Idempotency-Key on API writes: replay, reuse with another body, concurrency, scope per token."""

import json
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import IdempotencyRecord
from jobs.models import Job

pytestmark = pytest.mark.django_db


def _payload(title="Fix garage door opener"):
    today = timezone.localdate()
    return {
        "title": title, "description": "Chain drive opener stopped mid-way; remote works.",
        "category": "handyman", "zip_code": "78745", "budget_min_cents": 15_000, "budget_max_cents": 40_000,
        "desired_start": str(today + timedelta(days=3)), "bidding_deadline": f"{today + timedelta(days=5)}T20:00:00Z",
        "publish": True,
    }


def _post(client, key, payload):
    return client.post("/api/v1/jobs/", json.dumps(payload), content_type="application/json",
                       HTTP_IDEMPOTENCY_KEY=key)


def test_same_key_same_body_replays_the_first_response(api_as, homeowner):
    client = api_as(homeowner)
    first = _post(client, "order-17", _payload())
    again = _post(client, "order-17", _payload())
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Job.objects.filter(homeowner=homeowner).count() == 1


def test_same_key_other_body_is_422(api_as, homeowner):
    client = api_as(homeowner)
    assert _post(client, "order-18", _payload()).status_code == 201
    reused = _post(client, "order-18", _payload(title="Something else entirely"))
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert Job.objects.filter(homeowner=homeowner).count() == 1


def test_errors_are_replayed_too_but_not_rate_limits_or_auth_failures(api_as, homeowner):
    client = api_as(homeowner)
    bad = _payload() | {"budget_min_cents": 90_000}
    first = _post(client, "bad-1", bad)
    assert first.status_code == 400
    assert _post(client, "bad-1", bad).json() == first.json()  # a validation error is a result
    anonymous = APIClient()
    denied = anonymous.post("/api/v1/jobs/", _payload(), format="json", HTTP_AUTHORIZATION="Bearer ftw_wrong",
                            HTTP_IDEMPOTENCY_KEY="k-401")
    assert denied.status_code == 401
    assert not IdempotencyRecord.objects.filter(key="k-401").exists()


def test_keys_are_per_token(api_as, homeowner):
    one, two = api_as(homeowner), api_as(homeowner)
    assert _post(one, "shared", _payload()).status_code == 201
    second = _post(two, "shared", _payload())
    assert second.status_code == 201 and "Idempotent-Replayed" not in second
    assert Job.objects.filter(homeowner=homeowner).count() == 2


def test_keys_expire_after_24_hours(api_as, homeowner):
    client = api_as(homeowner)
    assert _post(client, "daily", _payload()).status_code == 201
    assert _post(client, "unused-since", _payload(title="Another job")).status_code == 201
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        later = _post(client, "daily", _payload())
        assert later.status_code == 201 and "Idempotent-Replayed" not in later
        from core.idempotency import purge_expired

        assert purge_expired() == 1  # the other expired key; "daily" was just claimed again
    assert Job.objects.filter(homeowner=homeowner).count() == 3


def test_key_longer_than_255_is_refused(api_as, homeowner):
    response = _post(api_as(homeowner), "k" * 256, _payload())
    assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"


def test_get_ignores_the_header(api_as, homeowner):
    response = api_as(homeowner).get("/api/v1/jobs/", HTTP_IDEMPOTENCY_KEY="x")
    assert response.status_code == 200 and not IdempotencyRecord.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_do_the_work_once(api_as, homeowner, monkeypatch):
    from jobs import services

    client_token = api_as(homeowner)
    entered, release = threading.Event(), threading.Event()
    real_create = services.job_create

    def slow_create(**kwargs):
        entered.set()
        release.wait(timeout=10)
        return real_create(**kwargs)

    monkeypatch.setattr(services, "job_create", slow_create)
    results: dict = {}

    def first():
        try:
            results["first"] = _post(client_token, "race", _payload())
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert entered.wait(timeout=10)
    try:
        second = _post(client_token, "race", _payload())
    finally:
        release.set()
        thread.join(timeout=30)
    assert second.status_code == 409 and second.json()["error"]["code"] == "idempotency_key_in_use"
    assert results["first"].status_code == 201
    assert Job.objects.filter(homeowner=homeowner).count() == 1
    replay = _post(client_token, "race", _payload())
    assert replay.status_code == 201 and replay.json()["id"] == results["first"].json()["id"]
