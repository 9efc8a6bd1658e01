"""The API's rate limits count with atomic increments over a sliding window (core.throttling)."""

import threading

import pytest
from django.core.cache import cache
from django.db import close_old_connections
from rest_framework.test import APIRequestFactory

from core.throttling import IPReadThrottle

pytestmark = pytest.mark.django_db

WINDOW_START = 1_800_000_000 // 60 * 60  # a minute boundary


class Clock:
    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at


def _throttle(clock, rate="3/min"):
    throttle = IPReadThrottle()
    throttle.rate = rate
    throttle.num_requests, throttle.duration = throttle.parse_rate(rate)
    throttle.timer = clock
    return throttle


def _asks(clock, n, rate="3/min"):
    request = APIRequestFactory().get("/api/v1/jobs/", REMOTE_ADDR="203.0.113.9")
    results = []
    for _ in range(n):
        throttle = _throttle(clock, rate)
        results.append(throttle.allow_request(request, None) or throttle.wait())
    return results


def test_the_limit_then_retry_after_until_this_windows_requests_slide_out():
    clock = Clock(WINDOW_START + 30)  # half way through a minute
    # Three pass; the fourth must wait for the minute to end and 20 s more: by then the three
    # count two thirds (2.0) and the fourth request fits (2.0 + 1 <= 3).
    assert _asks(clock, 4) == [True, True, True, 30 + 20]


def test_a_refused_request_does_not_count_against_the_next():
    clock = Clock(WINDOW_START + 1)
    assert _asks(clock, 3) == [True, True, True]
    assert [result is True for result in _asks(clock, 5)] == [False] * 5
    clock.at = WINDOW_START + 60 + 21  # next window, the last one's 3 count 2.0 (40 s of 60 left)
    assert _asks(clock, 1) == [True]
    assert _asks(clock, 1) != [True]


def test_the_last_window_weighs_by_how_much_of_it_is_still_in_the_sliding_minute():
    clock = Clock(WINDOW_START + 50)
    assert _asks(clock, 3, rate="4/min") == [True, True, True]
    clock.at = WINDOW_START + 60 + 15  # the last window's 3 count 3 × 45/60 = 2.25
    # 2.25 + 1 fits; 2.25 + 2 does not, until the last window counts 2 (5 s later: 3 × 40/60).
    assert _asks(clock, 2, rate="4/min") == [True, 5]


def test_parallel_requests_cannot_exceed_the_limit():
    """DRF's list of timestamps is read, edited and written back: parallel requests overwrote
    each other and more than the limit passed. The counter is incremented atomically."""
    clock = Clock(WINDOW_START + 5)
    request = APIRequestFactory().get("/api/v1/jobs/", REMOTE_ADDR="203.0.113.10")
    allowed, start = [], threading.Barrier(12)

    def ask():
        start.wait()
        allowed.append(_throttle(clock, "5/min").allow_request(request, None))
        close_old_connections()

    threads = [threading.Thread(target=ask) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 5


def test_counters_expire_after_two_windows():
    client = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client is None:
        pytest.skip("needs Redis (REDIS_URL): the in-process cache has no TTLs to read")
    clock = Clock(WINDOW_START + 10)
    _asks(clock, 1)
    keys = client().keys("*throttle_ip_read*")
    assert keys and all(0 < client().ttl(key) <= 121 for key in keys)
