"""The bell, the notifications page, mark read, preferences, unsubscribe, and the API."""

import pytest
from django.core import mail
from django.utils import timezone

from notifications import events, notify
from notifications.models import Notification, NotificationDelivery, NotificationPreference
from notifications.rendering import unsubscribe_token

from .samples import SAMPLES

pytestmark = pytest.mark.django_db


def _many(person, n, event="bid.received"):
    for i in range(n):
        notify(event, person, SAMPLES[event] | {"job_title": f"Job {i}"})


# --- web --------------------------------------------------------------------------------
def test_bell_shows_the_unread_count(client, homeowner):
    client.force_login(homeowner)
    page = client.get("/notifications/").content.decode()
    assert 'class="bell"' in page and "data-bell-count hidden" in page
    _many(homeowner, 3)
    page = client.get("/dashboard/").content.decode()
    assert 'class="bell has-unread"' in page and '>3<span class="visually-hidden"> unread</span>' in page
    assert client.get("/notifications/unread-count/").json() == {"unread": 3}


def test_header_state_counts_only_ones_own_unread_and_finds_the_address_in_any_case(homeowner, other_homeowner):
    from notifications.models import EmailSuppression
    from notifications.selectors import HeaderState, header_state

    _many(homeowner, 2)
    _many(other_homeowner, 5)
    read = Notification.objects.filter(recipient=homeowner).first()
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    assert header_state(homeowner) == HeaderState(unread=1, email_problem="")
    EmailSuppression.objects.create(email=homeowner.email.upper(), reason="complained")
    assert header_state(homeowner) == HeaderState(unread=1, email_problem="complained")
    EmailSuppression.objects.update(cleared_at=timezone.now())
    assert header_state(homeowner).email_problem == ""


def test_bell_and_banner_share_one_query(client, homeowner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.models import EmailSuppression

    EmailSuppression.objects.create(email=homeowner.email, reason="bounced")
    _many(homeowner, 2)
    client.force_login(homeowner)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/dashboard/").content.decode()
    assert "We can't reach" in html and "Emails to it bounce" in html and '>2<span class="visually-hidden">' in html
    header = [q["sql"] for q in queries.captured_queries if "notifications_emailsuppression" in q["sql"]]
    assert len(header) == 1 and "notifications_notification" in header[0]


def test_list_page_and_reading(client, homeowner, other_homeowner):
    _many(homeowner, 2)
    _many(other_homeowner, 1)
    client.force_login(homeowner)
    page = client.get("/notifications/").content.decode()
    assert "New bid on “Job 0”" in page and "New bid on “Job 1”" in page and "2 unread" in page
    first = Notification.objects.filter(recipient=homeowner).first()
    # Opening marks it read and follows its link.
    response = client.post(f"/notifications/{first.pk}/open/")
    assert response.status_code == 302 and response.url == "/jobs/abc/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert client.get("/notifications/unread-count/").json() == {"unread": 1}
    # Someone else's notification does not exist for you.
    theirs = Notification.objects.get(recipient=other_homeowner)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/open/").status_code == 404
    response = client.post("/notifications/read-all/", {"next": "/notifications/?show=unread"})
    assert response.url == "/notifications/?show=unread"
    assert not Notification.objects.filter(recipient=homeowner, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other_homeowner, read_at__isnull=True).exists()
    page = client.get("/notifications/?show=unread").content.decode()
    assert "No unread notifications" in page


def test_open_never_redirects_off_site(client, homeowner):
    notify("bid.received", homeowner, SAMPLES["bid.received"] | {"url": "https://evil.example/x"})
    client.force_login(homeowner)
    n = Notification.objects.get(recipient=homeowner)
    assert client.post(f"/notifications/{n.pk}/open/").url == "/notifications/"


def test_empty_state_and_login_required(client, contractor):
    assert client.get("/notifications/").status_code == 302
    client.force_login(contractor)
    page = client.get("/notifications/").content.decode()
    assert "Nothing here yet" in page and "accept your bids" in page


def test_list_page_query_count_does_not_grow(client, homeowner, django_assert_max_num_queries):
    client.force_login(homeowner)
    _many(homeowner, 2)
    with django_assert_max_num_queries(12) as few:
        client.get("/notifications/")
    _many(homeowner, 25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/notifications/")


def test_preferences_defaults_save_and_essential_locked(client, contractor):
    client.force_login(contractor)
    page = client.get("/notifications/preferences/").content.decode()
    assert "Payout sent" in page and "Always" in page
    assert 'name="payout__sent--email"' not in page  # essential email: no checkbox
    assert "New bid on your job" not in page  # homeowner events are not offered to contractors
    assert 'name="bid__accepted--sms"' in page and 'name="review__received--sms"' not in page
    data = {"bid__accepted--email": "on", "milestone__funded--sms": "on", "payout__sent--sms": "on"}  # rest unticked
    response = client.post("/notifications/preferences/", data)
    assert response.status_code == 302
    prefs = {(p.event, p.channel): p.enabled for p in NotificationPreference.objects.filter(user=contractor)}
    assert prefs[("bid.accepted", "sms")] is False and prefs[("review.received", "email")] is False
    assert ("payout.sent", "email") not in prefs
    # The preference is applied; essential email still goes out.
    notify("bid.accepted", contractor, SAMPLES["bid.accepted"])
    notify("review.received", contractor, SAMPLES["review.received"])
    notify("payout.sent", contractor, SAMPLES["payout.sent"])
    rows = set(NotificationDelivery.objects.filter(recipient=contractor).values_list("event", "channel"))
    assert rows == {("bid.accepted", "email"), ("payout.sent", "email"), ("payout.sent", "sms")}
    # Forged fields for essential email are ignored.
    client.post("/notifications/preferences/", {"payout__sent--email": ""})
    assert not NotificationPreference.objects.filter(user=contractor, event="payout.sent", channel="email").exists()


def test_sms_column_disabled_without_a_verified_phone(client, contractor):
    contractor.phone_verified_at = None
    contractor.save()
    client.force_login(contractor)
    page = client.get("/notifications/preferences/").content.decode()
    assert "Verify your phone" in page and "disabled" in page
    client.post("/notifications/preferences/", {"bid__accepted--email": "on"})
    assert not NotificationPreference.objects.filter(user=contractor, channel="sms").exists()


def test_unsubscribe_link_from_an_email(client, contractor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify("review.received", contractor, SAMPLES["review.received"])
    link = next(line for line in mail.outbox[0].body.splitlines() if "/unsubscribe/" in line).split(": ", 1)[1]
    path = link.replace("https://fairtrade.example", "")
    page = client.get(path)  # no login needed; GET changes nothing (mail scanners follow links)
    assert page.status_code == 200 and "new review" in page.content.decode()
    assert not NotificationPreference.objects.exists()
    response = client.post(path, {})
    assert "You're unsubscribed" in response.content.decode()
    assert NotificationPreference.objects.get(user=contractor).enabled is False
    client.post(path, {"everything": "on"})
    switchable = [e for e in events.switchable_events() if e.switchable("email")]
    assert NotificationPreference.objects.filter(user=contractor, enabled=False).count() == len(switchable)


def test_unsubscribe_rejects_tampered_and_essential_tokens(client, contractor):
    assert client.get("/notifications/unsubscribe/nonsense/").status_code == 400
    token = unsubscribe_token(contractor.pk, "payout.sent")
    response = client.post(f"/notifications/unsubscribe/{token}/", {})
    assert "cannot be unsubscribed" in response.content.decode()
    assert not NotificationPreference.objects.exists()


# --- API --------------------------------------------------------------------------------
def test_api_list_read_and_read_all(api_as, homeowner, other_homeowner, api_client):
    _many(homeowner, 3)
    _many(other_homeowner, 1)
    api = api_as(homeowner)
    body = api.get("/api/v1/notifications/").json()
    assert len(body["results"]) == 3 and body["next"] is None
    item = body["results"][0]
    assert set(item) >= {"id", "event", "title", "body", "url", "read", "read_at", "created_at"}
    assert item["url"] == "https://fairtrade.example/jobs/abc/" and item["read"] is False
    read = api.post(f"/api/v1/notifications/{item['id']}/read/")
    assert read.status_code == 200 and read.json()["read"] is True
    assert len(api.get("/api/v1/notifications/?unread=true").json()["results"]) == 2
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked_read": 2}
    theirs = Notification.objects.get(recipient=other_homeowner)
    response = api.post(f"/api/v1/notifications/{theirs.pk}/read/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert api_client.get("/api/v1/notifications/").status_code == 401


def test_api_pagination_and_query_count(api_as, homeowner, django_assert_max_num_queries):
    api = api_as(homeowner)
    _many(homeowner, 2)
    with django_assert_max_num_queries(10) as few:
        api.get("/api/v1/notifications/")
    _many(homeowner, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = api.get("/api/v1/notifications/?page_size=25").json()
    assert len(body["results"]) == 25 and body["next"]
