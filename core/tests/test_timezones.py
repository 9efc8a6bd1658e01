"""Times in the person's own time zone: set from the ZIP code, changeable in settings, used on
pages and in emails."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from accounts import services
from accounts.tests.factories import HomeownerFactory
from core.timezones import zone_for_zip
from notifications import events
from notifications.rendering import render_event


def test_zip_codes_map_to_zones():
    assert zone_for_zip("78701") == "America/Chicago"
    assert zone_for_zip("96813") == "Pacific/Honolulu"
    assert zone_for_zip("10001") == "America/New_York"
    assert zone_for_zip("00000") == ""


@pytest.mark.django_db
def test_onboarding_sets_the_zone_and_settings_change_it(client):
    user = HomeownerFactory(time_zone="")
    services.homeowner_profile_save(actor=user, zip_code="98101")
    user.refresh_from_db()
    assert user.time_zone == "America/Los_Angeles"
    services.homeowner_profile_save(actor=user, zip_code="78701")  # a chosen/known zone is kept
    user.refresh_from_db()
    assert user.time_zone == "America/Los_Angeles"
    client.force_login(user)
    client.post(reverse("accounts:settings_profile"), {"full_name": "Ann Lee", "time_zone": "America/Chicago"})
    user.refresh_from_db()
    assert user.time_zone == "America/Chicago"
    bad = client.post(reverse("accounts:settings_profile"), {"full_name": "Ann Lee", "time_zone": "Mars/Base"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()


@pytest.mark.django_db
def test_pages_and_emails_use_the_persons_zone(client):
    from jobs.models import Job
    from jobs.tests.factories import JobFactory

    user = HomeownerFactory(time_zone="America/Chicago")
    deadline = datetime(2026, 12, 8, 5, 59, tzinfo=UTC)  # 11:59 PM the day before in Austin
    job = JobFactory(homeowner=user, status=Job.Status.OPEN, bidding_deadline=deadline)
    client.force_login(user)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "December 7, 2026, 11:59 PM CST" in page and "UTC" not in page
    ev = events.get("dispute.opened")
    out = render_event(ev, user, {"job_title": "Deck", "milestone_title": "Frame", "opened_by_name": "Sam",
                                  "reason": "Quality", "response_due_at": deadline, "url": "/disputes/1/"})
    assert "December 7, 2026, 11:59 PM CST" in out.text and "UTC" not in out.text
