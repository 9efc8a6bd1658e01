"""Browser: register an endpoint, copy its secret once, see a delivery in the log, resend it."""

import pytest

from accounts.tests.test_browser_account_pages import log_in
from fairtrade_client import verify_webhook
from jobs.models import Job
from jobs.services import job_publish
from jobs.tests.factories import JobFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_endpoint_see_delivery_and_resend(page, homeowner, password, receiver, shot):
    log_in(page, homeowner, password)
    page.goto("/settings/webhooks/")
    page.get_by_text("No endpoints yet").wait_for()
    page.get_by_label("Endpoint URL").fill(receiver.url)
    page.get_by_label("job.published", exact=False).check()
    page.get_by_role("button", name="Add endpoint").click()
    secret = page.locator("#new-secret").inner_text()
    assert secret.startswith("whsec_")

    job = JobFactory(homeowner=homeowner, status=Job.Status.DRAFT, published_at=None)
    job_publish(actor=homeowner, job=job)  # commits: the outbox row is fanned out and delivered
    assert verify_webhook(receiver.requests[0].headers, receiver.requests[0].body, secret)["type"] == "job.published"

    page.reload()
    assert page.locator("#new-secret").count() == 0  # shown once
    row = page.locator("tbody tr").first
    row.get_by_text("job.published", exact=True).wait_for()
    row.get_by_text("Delivered", exact=True).wait_for()
    row.get_by_text("1 attempt").click()
    row.get_by_text("HTTP 200").wait_for()
    shot(page, "webhooks-delivery-log")
    row.get_by_role("button", name="Resend").click()
    page.get_by_text("queued to be sent again").wait_for()
    assert len(receiver.requests) == 2
    assert receiver.requests[1].headers["webhook-id"] == receiver.requests[0].headers["webhook-id"]
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    shot(page, "webhooks-delivery-log-375")
