"""The beat task: 30/7/1-day reminders, once each, SMS on the last; expiry on the day."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from credentials.models import Credential, CredentialReminder
from credentials.tasks import expiry_sweep
from notifications.models import Notification, NotificationDelivery

from .factories import verified

pytestmark = pytest.mark.django_db


def _at(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=9))


def test_reminders_at_30_7_and_1_days_once_each(contractor, staff_user):
    credential = verified(contractor, "insurance", staff=staff_user, days=45)
    expiry = credential.expires_on
    sent = []
    for days_before in range(45, -2, -1):
        with time_machine.travel(_at(expiry - timedelta(days=days_before)), tick=False):
            expiry_sweep()
            expiry_sweep()  # a second run the same day (or a second worker) sends nothing
            sent = list(Notification.objects.filter(recipient=contractor, event__startswith="credential.exp")
                        .order_by("created_at").values_list("event", flat=True))
    assert sent == ["credential.expiring", "credential.expiring", "credential.expires_tomorrow"]
    assert sorted(CredentialReminder.objects.values_list("days_before", flat=True)) == [1, 7, 30]
    channels = {(d.event, d.channel) for d in NotificationDelivery.objects.filter(recipient=contractor)}
    assert ("credential.expires_tomorrow", "sms") in channels
    assert ("credential.expiring", "sms") not in channels and ("credential.expiring", "email") in channels
    credential.refresh_from_db()
    assert credential.status == Credential.Status.EXPIRED


def test_a_sweep_that_was_down_sends_only_the_most_urgent(contractor, staff_user):
    credential = verified(contractor, "license", staff=staff_user, days=40)
    with time_machine.travel(_at(credential.expires_on - timedelta(days=5)), tick=False):
        assert expiry_sweep() == {"expired": 0, "reminded": 1}
    assert list(CredentialReminder.objects.values_list("days_before", flat=True)) == [7]


def test_expired_on_the_day_and_idempotent(contractor, staff_user):
    credential = verified(contractor, "license", staff=staff_user, days=3)
    with time_machine.travel(_at(credential.expires_on - timedelta(days=1)), tick=False):
        assert expiry_sweep()["expired"] == 0
    with time_machine.travel(_at(credential.expires_on), tick=False):
        assert expiry_sweep()["expired"] == 1
        assert expiry_sweep()["expired"] == 0
    credential.refresh_from_db()
    assert credential.status == "expired"
