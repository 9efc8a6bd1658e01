import json

import pytest
from allauth.account.models import EmailAddress

from accounts import privacy
from accounts.models import ApiToken, User
from audit.models import AuditLog


@pytest.mark.django_db
def test_export_downloads_my_data_only(client, contractor, other_contractor):
    client.force_login(contractor)
    response = client.get("/settings/privacy/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["accounts"]["email"] == contractor.email
    assert data["accounts"]["contractor_profile"]["business_name"] == contractor.contractor_profile.business_name
    assert other_contractor.email not in response.content.decode()
    assert AuditLog.objects.filter(action="account.data_exported", actor=contractor).exists()


@pytest.mark.django_db
def test_erase_needs_password_and_confirmation(client, homeowner, password):
    client.force_login(homeowner)
    response = client.post("/settings/privacy/", {"password": "wrong", "confirm": "delete"})
    assert b"That password is not correct." in response.content
    assert b"Type DELETE in capital letters" in response.content
    homeowner.refresh_from_db()
    assert homeowner.is_active


@pytest.mark.django_db
def test_erase_scrubs_personal_data_and_logs_out(client, contractor, password, api_as):
    api_as(contractor)
    original_email = contractor.email
    client.force_login(contractor)
    response = client.post("/settings/privacy/", {"password": password, "confirm": "DELETE"})
    assert response.status_code == 302 and response["Location"] == "/"
    contractor.refresh_from_db()
    assert not contractor.is_active and contractor.full_name == "Deleted user"
    assert contractor.email.endswith("@erased.invalid") and contractor.phone == ""
    assert not contractor.has_usable_password()
    assert not EmailAddress.objects.filter(user=contractor).exists()
    assert not ApiToken.objects.filter(user=contractor, revoked_at__isnull=True).exists()
    assert contractor.contractor_profile.license_number == ""
    assert not User.objects.filter(email=original_email).exists()
    assert original_email not in str(AuditLog.objects.get(action="account.erased").__dict__)
    assert client.get("/dashboard/").status_code == 302


@pytest.mark.django_db
def test_erase_is_refused_while_another_app_reports_a_blocker(client, homeowner, password, monkeypatch):
    class Blocking:
        __name__ = "contracts.privacy"

        @staticmethod
        def erasure_blockers(user):
            return ["You have money in escrow on an active contract."]

    monkeypatch.setattr(privacy, "_contributors", lambda: [privacy, Blocking])
    client.force_login(homeowner)
    response = client.post("/settings/privacy/", {"password": password, "confirm": "DELETE"})
    assert b"money in escrow" in response.content
    homeowner.refresh_from_db()
    assert homeowner.is_active and homeowner.full_name != "Deleted user"
