"""Onboarding, settings, API token pages, public contractor profile, admin."""

import pytest
from django.urls import reverse

from accounts.models import ApiToken, ContractorProfile
from accounts.tests.factories import UserFactory
from audit.models import AuditLog
from jobs.models import Category


@pytest.mark.django_db
def test_homeowner_onboarding_validates_zip(client):
    user = UserFactory(role="homeowner")
    client.force_login(user)
    bad = client.post("/onboarding/", {"zip_code": "00000"})
    assert b"recognise that ZIP" in bad.content
    short = client.post("/onboarding/", {"zip_code": "12"})
    assert b"5-digit" in short.content
    ok = client.post("/onboarding/", {"zip_code": "78701"})
    assert ok.status_code == 302 and ok["Location"] == "/dashboard/"
    user.refresh_from_db()
    assert user.homeowner_profile.zip_code == "78701" and user.profile_complete


@pytest.mark.django_db
def test_contractor_onboarding_saves_every_field(client):
    user = UserFactory(role="contractor")
    client.force_login(user)
    trades = list(Category.objects.filter(slug__in=["plumbing", "hvac"]).values_list("pk", flat=True))
    response = client.post(
        "/onboarding/",
        {
            "business_name": "Acme Pipes", "trades": trades, "zip_code": "78702", "service_radius_miles": 40,
            "license_number": "TX-1", "license_state": "TX", "license_expires_on": "2031-01-01",
            "insurance_expires_on": "2030-06-30", "years_in_business": 12, "bio": "Pipes since 2010.",
        },
    )
    assert response.status_code == 302
    profile = ContractorProfile.objects.get(user=user)
    assert profile.business_name == "Acme Pipes" and profile.service_radius_miles == 40
    assert set(profile.trades.values_list("slug", flat=True)) == {"plumbing", "hvac"}
    assert profile.license_current and profile.insurance_current
    assert AuditLog.objects.filter(action="account.onboarded", actor=user).exists()


@pytest.mark.django_db
def test_contractor_onboarding_errors(client):
    user = UserFactory(role="contractor")
    client.force_login(user)
    response = client.post(
        "/onboarding/",
        {"business_name": "", "zip_code": "99999", "service_radius_miles": 500, "license_number": "X",
         "license_expires_on": "2001-01-01", "years_in_business": -1},
    )
    html = response.content.decode()
    assert response.status_code == 200
    for message in ["This field is required", "recognise that ZIP", "less than or equal to 200",
                    "Choose the state that issued the license", "This date has passed"]:
        assert message in html, message
    assert not ContractorProfile.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_api_token_page_shows_secret_once_and_revokes(client, homeowner, other_homeowner):
    client.force_login(homeowner)
    response = client.post("/settings/api-tokens/", {"name": "Books sync", "scopes": ["jobs:read"]}, follow=True)
    html = response.content.decode()
    token = ApiToken.objects.get(user=homeowner)
    assert "Books sync" in html and 'id="new-token"' in html
    again = client.get("/settings/api-tokens/").content.decode()
    assert 'id="new-token"' not in again and token.prefix in again

    foreign = ApiToken.objects.create(user=other_homeowner, name="x", prefix="p", key_hash="c" * 64)
    assert client.post(f"/settings/api-tokens/{foreign.pk}/revoke/").status_code == 404
    client.post(f"/settings/api-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert b"No active tokens" in client.get("/settings/api-tokens/").content


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/dashboard/", "/onboarding/", "/settings/profile/", "/settings/api-tokens/",
                                 "/accounts/email/", "/accounts/password/change/"])
def test_private_pages_redirect_anonymous_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/dashboard/", "/onboarding/", "/settings/profile/", "/settings/api-tokens/",
                                 "/accounts/email/", "/accounts/password/change/"])
def test_private_pages_render_for_both_roles(client, homeowner, contractor, url):
    for user in (homeowner, contractor):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, (user.role, url)
        assert b'class="site-header"' in response.content  # every page uses the site's own layout


@pytest.mark.django_db
def test_profile_settings_validation(client, homeowner):
    client.force_login(homeowner)
    assert b"This field is required" in client.post("/settings/profile/", {"full_name": "  "}).content
    client.post("/settings/profile/", {"full_name": "New Name"})
    homeowner.refresh_from_db()
    assert homeowner.full_name == "New Name"


@pytest.mark.django_db
def test_every_admin_changelist_renders_for_staff(client, staff_user, homeowner, contractor):
    from django.contrib import admin

    client.force_login(staff_user)
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url
        if model_admin.search_fields:
            assert client.get(url, {"q": "x"}).status_code == 200, url


@pytest.mark.django_db
def test_admin_is_branded_and_staff_only(client, homeowner, staff_user):
    client.force_login(homeowner)
    assert client.get("/admin/").status_code == 302
    client.force_login(staff_user)
    assert b"FairTradeWorker staff" in client.get("/admin/").content


@pytest.mark.django_db
def test_home_page_explains_the_product(client):
    html = client.get("/").content.decode()
    for text in ["For homeowners", "For contractors", "Our fee promise", "100%", "Sign up"]:
        assert text in html
