import pytest

from core import health


@pytest.mark.django_db
def test_healthz_needs_nothing(client, monkeypatch):
    monkeypatch.setattr(health, "CHECKS", {})  # liveness must not look at dependencies
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_every_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.django_db
def test_readyz_names_the_failing_dependency(client, monkeypatch):
    def cache_down():
        raise ConnectionError("Connection refused (redis)")

    monkeypatch.setitem(health.CHECKS, "cache", cache_down)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache"]
    assert body["checks"]["database"]["ok"] is True
    assert "Connection refused" in body["checks"]["cache"]["error"]


@pytest.mark.django_db
def test_readyz_detects_a_real_unreachable_redis(client, monkeypatch):
    """A real Redis client pointed at a port nothing listens on must fail fast, not hang."""
    from django.core.cache.backends.redis import RedisCache

    unreachable = RedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    )
    monkeypatch.setattr(health, "cache", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


@pytest.mark.django_db
def test_readyz_broker_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from fairtrade.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/readyz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert "broker" in response.json()["failing"]


@pytest.mark.django_db
def test_health_answers_load_balancer_hosts_that_pages_refuse(client, settings):
    settings.ALLOWED_HOSTS = ["fairtradeworker.example"]
    assert client.get("/healthz", HTTP_HOST="10.0.12.34:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.12.34:8000").status_code == 200
    assert client.get("/", HTTP_HOST="10.0.12.34:8000").status_code == 400
