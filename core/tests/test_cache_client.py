"""One redis-py client per connection pool serves every cache call (core.cache)."""

import threading

import pytest
from django.conf import settings

from core.cache import FailOpenRedisCache

pytestmark = pytest.mark.skipif(not settings.CACHES["default"]["BACKEND"].endswith("FailOpenRedisCache"),
                                reason="needs Redis (REDIS_URL)")


@pytest.fixture
def redis_cache():
    backend = FailOpenRedisCache(settings.CACHES["default"]["LOCATION"], {"KEY_PREFIX": "ftw-test-client"})
    yield backend
    backend.delete_many(["counter", "greeting"])


def test_every_call_uses_the_same_client(redis_cache):
    client = redis_cache._cache.get_client("greeting")
    redis_cache.set("greeting", "hello")
    assert redis_cache.get("greeting") == "hello"
    assert redis_cache._cache.get_client("other", write=True) is client


def test_threads_share_the_client_without_losing_a_write(redis_cache):
    redis_cache.set("counter", 0)
    start = threading.Barrier(8)

    def bump():
        start.wait()
        for _ in range(50):
            redis_cache.incr("counter")

    threads = [threading.Thread(target=bump) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert redis_cache.get("counter") == 400
