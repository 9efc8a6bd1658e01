"""seed_scale writes data the services and the API accept: the load test acts on it."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from contracts.models import Milestone, Submission
from jobs.management.commands.seed_scale import TOKEN_FORMAT

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_seeded_milestones_and_partner_tokens_are_usable():
    call_command("seed_scale", jobs=300, verbosity=0)
    worked_on = Milestone.objects.filter(status__in=["submitted", "released"])
    assert worked_on.exists()
    assert not worked_on.exclude(pk__in=Submission.objects.values("milestone_id")).exists()

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {TOKEN_FORMAT.format(0)}")
    assert client.get("/api/v1/jobs/").status_code == 200
    assert client.get("/api/v1/contracts/").status_code == 200
