"""The load test's per-request CPU figure: a Server-Timing header, only where its settings ask."""

import re

from django.conf import settings
from django.test import override_settings


def test_the_header_gives_the_requests_cpu_time_where_enabled(client, db):
    with override_settings(MIDDLEWARE=["core.middleware.ServerTimingMiddleware", *settings.MIDDLEWARE]):
        response = client.get("/jobs/")
    assert response.status_code == 200
    match = re.fullmatch(r"cpu;dur=(\d+\.\d)", response["Server-Timing"])
    assert match and 0 < float(match[1]) < 10_000


def test_the_site_does_not_send_it_otherwise(client, db):
    assert "Server-Timing" not in client.get("/jobs/")


def test_only_the_load_test_settings_enable_it():
    source = (settings.BASE_DIR / "fairtrade" / "settings").glob("*.py")
    enabling = sorted(path.name for path in source if "ServerTimingMiddleware" in path.read_text())
    assert enabling == ["loadtest.py"]
