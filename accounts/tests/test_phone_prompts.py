"""Tell people what is needed before they need it (issue 12, point 6): phone verification is
on the onboarding checklist, and the job page says so with a link while bids arrive."""

import pytest

from accounts.tests.factories import ContractorFactory, HomeownerFactory
from bids.tests.factories import BidFactory
from jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def test_homeowner_checklist_and_job_page_ask_for_the_phone_early(client):
    owner = HomeownerFactory(phone="", phone_verified_at=None)
    client.force_login(owner)
    dashboard = client.get("/dashboard/").content.decode()
    assert "Getting started" in dashboard and "needed before you can hire a contractor" in dashboard
    assert 'href="/settings/phone/?next=/dashboard/"' in dashboard
    job = JobFactory(homeowner=owner)
    BidFactory(job=job)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Verify your phone to be able to hire" in page
    assert f'href="/settings/phone/?next=/jobs/{job.pk}/"' in page


def test_verified_homeowners_see_it_done(client, homeowner):
    client.force_login(homeowner)
    assert "Phone verified" in client.get("/dashboard/").content.decode()
    job = JobFactory(homeowner=homeowner)
    assert "Verify your phone to be able to hire" not in client.get(f"/jobs/{job.pk}/").content.decode()


def test_contractors_learn_it_before_they_bid(client):
    contractor = ContractorFactory(phone="", phone_verified_at=None)
    client.force_login(contractor)
    assert "needed before you can bid" in client.get("/dashboard/").content.decode()
    job = JobFactory()
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Verify your phone number before bidding." in page
    assert f'href="/settings/phone/?next=/jobs/{job.pk}/"' in page
