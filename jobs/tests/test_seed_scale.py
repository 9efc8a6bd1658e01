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


def test_load_test_sessions_sign_seeded_people_in_and_nobody_else(tmp_path, settings, homeowner):
    """Returning people in the load test arrive with a session from loadtest_sessions: it
    signs the seeded account in as the sign-in form would, and no other account gets one."""
    import json

    from django.core.management.base import CommandError
    from django.test import Client

    call_command("seed_scale", jobs=100, verbosity=0)
    out = tmp_path / "sessions.json"
    call_command("loadtest_sessions", out=str(out), verbosity=0)
    data = json.loads(out.read_text())
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    sessions = data["sessions"]
    assert sessions and all(email.startswith("lt-") and email.endswith("@scale.test") for email in sessions)
    assert homeowner.email not in sessions and not any(email.startswith("lt-partner-") for email in sessions)

    client = Client()
    client.cookies[data["cookie"]] = sessions["lt-homeowner-00000@scale.test"]
    page = client.get("/dashboard/")
    assert page.status_code == 200 and page.wsgi_request.user.email == "lt-homeowner-00000@scale.test"

    settings.SETTINGS_MODULE = "fairtrade.settings.production"
    with pytest.raises(CommandError, match="refuses production"):
        call_command("loadtest_sessions", out=str(tmp_path / "again.json"))
