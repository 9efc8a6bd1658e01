import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from accounts.models import User


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_accounts_log_in(client):
    call_command("seed_demo")
    counts = {model: model.objects.count() for model in (User,)}
    call_command("seed_demo")
    assert {model: model.objects.count() for model in (User,)} == counts

    emails = ["homeowner@demo.test", "homeowner2@demo.test", "contractor@demo.test",
              "contractor2@demo.test", "contractor3@demo.test", "staff@demo.test"]
    for email in emails:
        user = User.objects.get(email=email)
        assert user.phone_verified and user.profile_complete, email
        response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert "confirm-email" not in response["Location"], email
        client.post("/accounts/logout/")
    staff = User.objects.get(email="staff@demo.test")
    assert staff.is_staff and staff.is_superuser
