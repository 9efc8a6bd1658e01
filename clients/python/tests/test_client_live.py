"""The partner client against a live test server of the project (no mocks): auth, pagination,
idempotent writes (JSON and multipart), error classes, 429 Retry-After, scopes, and signed
webhook deliveries to a real loopback receiver verified with verify_webhook."""

import io
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from PIL import Image

from accounts.scopes import role_scopes
from accounts.tests.factories import PASSWORD, ContractorFactory, HomeownerFactory
from fairtrade_client import FairTradeClient, File, errors, verify_webhook
from jobs.models import Job
from webhooks.tests.receiver import start


@pytest.fixture
def server(live_server):
    return live_server.url


@pytest.fixture
def receiver():
    receiver, httpd = start()
    yield receiver
    httpd.shutdown()
    httpd.server_close()


def _login(server, user, **kwargs):
    return FairTradeClient.login(server, user.email, PASSWORD, name="client test", **kwargs)


def _job_fields(title="Fix the fence"):
    today = timezone.localdate()
    return {"title": title, "description": "Three panels blew down in the storm; posts look fine.",
            "category": "handyman", "zip_code": "78745", "budget_min_cents": 20_000, "budget_max_cents": 50_000,
            "desired_start": str(today + timedelta(days=5)),
            "bidding_deadline": f"{today + timedelta(days=6)}T20:00:00Z"}


def test_login_me_and_tokens(server):
    owner = HomeownerFactory()
    client = _login(server, owner)
    assert client.token.startswith("ftw_")
    me = client.me()
    assert me["email"] == owner.email and me["role"] == "homeowner"
    tokens = list(client.tokens())
    assert [t["name"] for t in tokens] == ["client test"] and "payments:write" not in tokens[0]["scopes"]
    with pytest.raises(errors.ValidationError):
        FairTradeClient.login(server, owner.email, "wrong password")


def test_writes_are_idempotent_and_lists_paginate(server):
    owner = HomeownerFactory()
    client = _login(server, owner)
    key = str(uuid.uuid4())
    first = client.create_job(**_job_fields(), publish=True, idempotency_key=key)
    again = client.create_job(**_job_fields(), publish=True, idempotency_key=key)
    assert first["id"] == again["id"] and Job.objects.filter(homeowner=owner).count() == 1
    with pytest.raises(errors.IdempotencyKeyReused):
        client.create_job(**_job_fields("Another job"), idempotency_key=key)
    for n in range(4):
        client.create_job(**_job_fields(f"Job {n}"))
    mine = list(client._http.paginate("jobs/", {"mine": True, "page_size": 2}))  # 3 pages
    assert len(mine) == 5 and len({j["id"] for j in mine}) == 5
    assert len(list(client.jobs(mine=True, page_size=2))) == 5


def test_multipart_upload_with_a_retried_key(server):
    owner = HomeownerFactory()
    client = _login(server, owner)
    job = client.create_job(**_job_fields())
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 80, 40)).save(buffer, "PNG")
    photo = File("fence.png", buffer.getvalue(), "image/png")
    key = str(uuid.uuid4())
    first = client.add_job_photo(job["id"], photo, caption="Before", idempotency_key=key)
    again = client.add_job_photo(job["id"], photo, caption="Before", idempotency_key=key)
    assert first["id"] == again["id"] and len(client.job_photos(job["id"])) == 1


def test_error_classes_and_sealed_bids(server):
    owner, contractor = HomeownerFactory(), ContractorFactory()
    home, pro = _login(server, owner), _login(server, contractor)
    job = home.create_job(**_job_fields(), publish=True)
    with pytest.raises(errors.NotFound):
        home.job(str(uuid.uuid4()))
    with pytest.raises(errors.ValidationError) as invalid:
        pro.place_bid(job["id"], amount_cents=-5, estimated_days=3, proposed_start=str(timezone.localdate()))
    assert invalid.value.fields
    bid = pro.place_bid(job["id"], amount_cents=40_000, estimated_days=3,
                        proposed_start=str(timezone.localdate() + timedelta(days=7)))
    with pytest.raises(errors.InvalidState):  # sealed while open
        list(home.job_bids(job["id"]))
    assert home.bid_summary(job["id"])["count"] == 1
    assert [b["id"] for b in pro.bids()] == [bid["id"]]
    home.close_bidding(job["id"])
    assert [b["id"] for b in home.job_bids(job["id"])] == [bid["id"]]  # unsealed after the close
    with pytest.raises(errors.InsufficientScope) as refused:
        home.fund_milestone(str(uuid.uuid4()))
    assert refused.value.scope == "payments:write"


def test_money_moves_only_with_payments_write(server):
    owner, contractor = HomeownerFactory(), ContractorFactory()
    home, pro = _login(server, owner), _login(server, contractor)
    job = home.create_job(**_job_fields(), publish=True)
    bid = pro.place_bid(job["id"], amount_cents=40_000, estimated_days=3,
                        proposed_start=str(timezone.localdate() + timedelta(days=7)))
    home.close_bidding(job["id"])
    contract = home.accept_bid(bid["id"])
    milestone = contract["milestones"][0]
    with pytest.raises(errors.InsufficientScope):
        home.fund_milestone(milestone["id"])
    payer = _login(server, owner, scopes=role_scopes("homeowner"))
    payer.fund_milestone(milestone["id"])
    assert payer.contract(contract["id"])["milestones"][0]["status"] == "funded"
    assert [c["id"] for c in pro.contracts()] == [contract["id"]]


def test_429_retry_after_is_honoured(server, monkeypatch):
    from core import throttling

    owner = HomeownerFactory()
    waits: list[float] = []

    def sleep(seconds):
        waits.append(seconds)
        cache.clear()  # the window passes

    client = FairTradeClient(server, _login(server, owner).token, sleep=sleep)
    monkeypatch.setattr(throttling.TokenReadThrottle, "THROTTLE_RATES",
                        {**throttling.TokenReadThrottle.THROTTLE_RATES, "token_read": "1/min"})
    cache.clear()
    client.me()
    assert client.me()["email"] == owner.email  # 429 first, then the retry passes
    # A sliding window of one request a minute: the last minute's request still weighs until the
    # next minute is over, so the wait is between one and two minutes (core.throttling).
    assert len(waits) == 1 and 1 <= waits[0] <= 121
    no_retry = FairTradeClient(server, client.token, max_retries=0, sleep=sleep)
    with pytest.raises(errors.RateLimited) as limited:
        no_retry.me()
    assert limited.value.retry_after and limited.value.status == 429


def test_webhook_endpoint_delivery_and_rotation_through_the_client(server, receiver):
    owner = HomeownerFactory()
    client = _login(server, owner)
    assert "bid.received" in {e["name"] for e in client.webhook_event_types()}
    endpoint = client.create_webhook_endpoint(receiver.url, ["job.published"], description="ops")
    secret = endpoint["secret"]
    assert "secret" not in client.webhook_endpoint(endpoint["id"])
    job = client.create_job(**_job_fields())
    client.publish_job(job["id"])
    event = verify_webhook(receiver.requests[0].headers, receiver.requests[0].body, secret)
    assert event["type"] == "job.published" and event["data"]["job"]["id"] == job["id"]

    rotated = client.rotate_webhook_secret(endpoint["id"])
    second = client.create_job(**_job_fields("Second"), publish=False)
    client.publish_job(second["id"])
    latest = receiver.requests[-1]
    assert verify_webhook(latest.headers, latest.body, rotated["secret"])["data"]["job"]["id"] == second["id"]
    assert verify_webhook(latest.headers, latest.body, secret)  # old secret still accepted for 24 h

    log = list(client.webhook_messages(endpoint["id"]))
    assert len(log) == 2 and all(m["status"] == "delivered" for m in log)
    resent = client.resend_webhook_message(log[0]["id"])
    assert resent["msg_id"] == log[0]["msg_id"]
    client.update_webhook_endpoint(endpoint["id"], is_enabled=False)
    assert client.webhook_endpoint(endpoint["id"])["is_enabled"] is False
    client.delete_webhook_endpoint(endpoint["id"])
    with pytest.raises(errors.NotFound):
        client.webhook_endpoint(endpoint["id"])
