import pytest
from django.core import mail

from notifications import notify
from notifications.models import Notification, NotificationDelivery

pytestmark = pytest.mark.django_db(transaction=False)


def test_notify_writes_notification_and_deliveries_and_sends_after_commit(
    homeowner, django_capture_on_commit_callbacks, capsys
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = notify("bid.received", [homeowner], {"job_title": "Kitchen remodel", "bid_count": 2, "url": "/jobs/x/"})
        assert len(mail.outbox) == 0  # nothing leaves before commit
    assert len(callbacks) == 1
    (notification,) = created
    assert notification.title == "New bid on “Kitchen remodel”"
    assert "2 sealed bids" in notification.body
    deliveries = NotificationDelivery.objects.filter(notification=notification)
    assert {d.channel for d in deliveries} == {"email"}  # SMS for new bids is off by default
    assert deliveries.get().status == "sent"
    (message,) = mail.outbox
    assert message.to == [homeowner.email]
    assert "https://fairtrade.example/jobs/x/" in message.body
    html = message.alternatives[0][0]
    assert 'href="https://fairtrade.example/jobs/x/"' in html
    assert "/notifications/unsubscribe/" in message.body
    assert Notification.objects.filter(recipient=homeowner).count() == 1
