"""Shared fixtures. Factories live next to each app's tests (tests/factories.py)."""

import importlib
import os
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, ContractorFactory, HomeownerFactory, StaffFactory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "test-artifacts"


def _on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://... (CI does)")
    skip_browser = pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    has_chromium = os.path.exists(CHROMIUM)
    for item in items:
        if "postgres" in item.keywords and not _on_postgres():
            item.add_marker(skip_pg)
        if "browser" in item.keywords and not has_chromium:
            item.add_marker(skip_browser)


@pytest.fixture(autouse=True)
def _trades_survive_flushes(request):
    """Trades are seeded by a data migration; transactional tests flush every table after
    each test, so put them back for the tests that run after a flush."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or (marker is not None and marker.kwargs.get("transaction"))
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from jobs.models import Category

        seed = importlib.import_module("jobs.migrations.0001_initial")
        for position, (slug, name) in enumerate(seed.TRADES):
            Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


@pytest.fixture(autouse=True)
def _clean_cache():
    # Rate-limit counters live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _staff_force_login_counts_as_two_factor(monkeypatch):
    """Client.force_login stands for a completed sign-in; for staff a completed sign-in
    includes the two-factor code (accounts/twofactor.py), so record it in the session as
    allauth does. accounts/tests/test_twofactor.py tests the real code step and the gate."""
    from allauth.account.internal.flows.login import record_authentication
    from django.test import Client
    from django.test.client import RequestFactory

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if user.is_staff or user.is_superuser:
            request = RequestFactory().get("/")
            request.session = self.session
            record_authentication(request, user, method="password", email=user.email)
            record_authentication(request, user, method="mfa", type="totp")
            request.session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def homeowner(db):
    return HomeownerFactory()


@pytest.fixture
def other_homeowner(db):
    return HomeownerFactory()


@pytest.fixture
def contractor(db):
    return ContractorFactory()


@pytest.fixture
def other_contractor(db):
    return ContractorFactory()


@pytest.fixture
def staff_user(db):
    return StaffFactory()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as():
    """api_as(user) -> an APIClient authenticated with a real bearer token of that user."""
    from accounts.services import api_token_create

    def make(user):
        _, raw = api_token_create(actor=user, name="test")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make


# --- Browser tests --------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-final.png"), full_page=True)
    context.close()
    assert not errors, f"browser console errors: {errors}"


@pytest.fixture
def shot(request):
    """shot(page, "name") saves a full-page screenshot under test-artifacts/ to look at."""

    def take(page, name):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{name}.png"), full_page=True)

    return take
