"""core.sessions reads exactly what Django's database session backend reads."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_site_uses_it():
    assert settings.SESSION_ENGINE == "core.sessions"


def test_a_live_session_loads_the_same_data():
    store = SessionStore()
    store.update({"_auth_user_id": "42", "cart": [1, 2]})
    store.create()
    assert SessionStore(store.session_key).load() == DjangoStore(store.session_key).load() == {"_auth_user_id": "42", "cart": [1, 2]}


@pytest.mark.parametrize("key", ["expired", "unknown", None])
def test_an_expired_or_unknown_key_loads_nothing_and_is_dropped(key):
    store = SessionStore()
    store["cart"] = [3]
    store.create()
    if key == "expired":
        Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
        key = store.session_key
    elif key == "unknown":
        key = "x" * 32
    ours, django = SessionStore(key), DjangoStore(key)
    assert ours.load() == django.load() == {}
    assert ours.session_key is None and django.session_key is None


def test_signing_in_and_out_through_the_site(client, homeowner, password):
    assert client.post("/accounts/login/", {"login": homeowner.email, "password": password}).status_code == 302
    assert client.get("/dashboard/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/dashboard/").status_code == 302
