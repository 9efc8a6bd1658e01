"""What people see: badges on the compare page, profile and API; the insurance warning on
contracts; the contractor's own page; the staff review page."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ContractorFactory
from bids.models import Bid
from bids.tests.factories import BidFactory
from contracts.tests.factories import contract_for
from credentials.models import Credential
from credentials.views import document_url
from jobs.models import Job
from jobs.tests.factories import JobFactory
from payments.tests.images import pdf_upload

from .factories import add_credential, verified

pytestmark = pytest.mark.django_db


def _reviewing_job(homeowner, *contractors):
    job = JobFactory(homeowner=homeowner, status=Job.Status.REVIEWING, bidding_closed_at=timezone.now())
    for contractor in contractors:
        BidFactory(job=job, contractor=contractor)
    return job


def test_compare_page_shows_verified_and_labels_self_reported(client, homeowner, contractor, other_contractor, staff_user):
    verified(contractor, "license", staff=staff_user)
    verified(contractor, "insurance", staff=staff_user)
    profile = other_contractor.contractor_profile
    profile.license_number, profile.license_state = "TX-M-12345", "TX"
    profile.license_expires_on = timezone.localdate() + timedelta(days=900)
    profile.save()
    add_credential(other_contractor, "insurance")  # awaiting review: no badge yet
    job = _reviewing_job(homeowner, contractor, other_contractor)
    client.force_login(homeowner)
    html = client.get(reverse("bids:compare", args=[job.pk])).content.decode()
    assert "Verified license (TX)" in html and "Verified insurance" in html
    assert "License TX-M-12345 (TX) · self-reported" in html
    assert html.count("Verified license") == 1 and "No verified insurance" in html
    assert "Licensed (TX)" not in html


def test_compare_page_says_insurance_expired_on_a_bid_placed_before(client, homeowner, contractor, staff_user):
    insurance = verified(contractor, "insurance", staff=staff_user, days=20)
    job = _reviewing_job(homeowner, contractor)
    client.force_login(homeowner)
    url = reverse("bids:compare", args=[job.pk])
    assert "Insurance expired" not in client.get(url).content.decode()
    with time_machine.travel(insurance.expires_on + timedelta(days=2), tick=False):
        client.force_login(homeowner)  # the session from three weeks ago has expired
        html = client.get(url).content.decode()
    assert f"Insurance expired {insurance.expires_on:%b} {insurance.expires_on.day}" in html
    assert "Verified insurance" not in html


def test_profile_badge_appears_and_disappears(client, contractor, staff_user):
    url = reverse("directory:profile", args=[contractor.pk])
    credential = add_credential(contractor, "license")
    assert "Verified license" not in client.get(url).content.decode()
    from credentials import services
    services.credential_verify(actor=staff_user, credential_id=credential.pk)
    assert "Verified license (TX)" in client.get(url).content.decode()
    with time_machine.travel(credential.expires_on, tick=False):
        assert "Verified license" not in client.get(url).content.decode()


def test_api_lists_credentials_and_verified_means_verified(api_client, contractor, other_contractor, staff_user,
                                                          django_assert_max_num_queries):
    verified(contractor, "license", staff=staff_user)
    add_credential(contractor, "insurance")
    profile = other_contractor.contractor_profile
    profile.license_number, profile.license_state = "TX-1", "TX"
    profile.license_expires_on = timezone.localdate() + timedelta(days=100)
    profile.save()
    for _ in range(5):
        verified(ContractorFactory(), "license", staff=staff_user)
    with django_assert_max_num_queries(6):
        rows = {r["id"]: r for r in api_client.get("/api/v1/contractors/").json()["results"]}
    mine = rows[str(contractor.pk)]
    assert mine["verified"]["license"] is True and mine["verified"]["insurance"] is False
    assert [(c["kind"], c["status"]) for c in mine["credentials"]] == [("insurance", "submitted"), ("license", "verified")]
    assert mine["credentials"][1]["verified_at"] and mine["credentials"][1]["expires_on"]
    theirs = rows[str(other_contractor.pk)]
    assert theirs["verified"]["license"] is False and theirs["credentials"] == []
    assert theirs["self_reported"]["license_number"] == "TX-1"
    detail = api_client.get(f"/api/v1/contractors/{contractor.pk}/").json()
    assert detail["credentials"] == mine["credentials"]


def test_contract_warns_both_when_insurance_ends_during_the_job(client, homeowner, contractor, staff_user):
    insurance = verified(contractor, "insurance", staff=staff_user, days=12)
    contract = contract_for(homeowner=homeowner, contractor=contractor)
    Bid.objects.filter(pk=contract.bid_id).update(proposed_start=timezone.localdate() + timedelta(days=10),
                                                  estimated_days=5)
    url = reverse("contracts:detail", args=[contract.pk])
    for user, words in [(homeowner, "Ask them for the renewed certificate"), (contractor, "Upload the renewed certificate")]:
        client.force_login(user)
        html = client.get(url).content.decode()
        assert f"insurance ends on {insurance.expires_on:%b} {insurance.expires_on.day}" in html and words in html


def test_no_contract_warning_when_insurance_covers_the_job(client, homeowner, contractor, staff_user):
    verified(contractor, "insurance", staff=staff_user, days=365)
    contract = contract_for(homeowner=homeowner, contractor=contractor)
    client.force_login(homeowner)
    assert 'data-testid="insurance-gap"' not in client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()


def test_contractor_adds_a_credential_from_their_page(client, contractor):
    client.force_login(contractor)
    response = client.post(reverse("credentials:mine"), {
        "kind": "license", "number": "M-1", "state": "TX", "license_class": "Master Plumber",
        "expires_on": (timezone.localdate() + timedelta(days=300)).isoformat(), "document": pdf_upload("lic.pdf")})
    assert response.status_code == 302
    html = client.get(reverse("credentials:mine")).content.decode()
    assert "Awaiting review" in html and "M-1" in html


def test_a_bad_document_is_explained_and_nothing_is_saved(client, contractor):
    client.force_login(contractor)
    response = client.post(reverse("credentials:mine"), {
        "kind": "license", "number": "M-1", "state": "TX",
        "expires_on": (timezone.localdate() + timedelta(days=300)).isoformat(),
        "document": pdf_upload("lic.pdf", b"GIF89a not really")})
    assert response.status_code == 200
    assert "not a photo (JPEG, PNG, WebP) or a PDF we can read" in response.content.decode()
    assert not Credential.objects.exists()


def test_staff_queue_is_oldest_first_with_board_link_and_required_reason(client, contractor, other_contractor,
                                                                         staff_user):
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        old = add_credential(other_contractor, "license", number="TX 99/1")
    new = add_credential(contractor, "insurance")
    client.force_login(staff_user)
    listing = client.get(reverse("admin:credentials_credential_changelist"), follow=True).content.decode()
    assert listing.index(str(old.pk)) < listing.index(str(new.pk))
    page = client.get(reverse("admin:credentials_credential_change", args=[old.pk])).content.decode()
    assert "https://www.tdlr.texas.gov/LicenseSearch/SearchResultDetail.asp?1=&amp;2=TX%2099%2F1" in page
    assert "<iframe" in page and reverse("credentials:document", args=[old.pk, "x"]).rsplit("x/", 1)[0] in page
    decide = reverse("admin:credentials_credential_decide", args=[new.pk, "reject"])
    response = client.post(decide, {"reason": ""})
    assert "Give the contractor a reason" in response.content.decode()
    new.refresh_from_db()
    assert new.status == "submitted"
    client.post(decide, {"reason": "Certificate names another business."})
    client.post(reverse("admin:credentials_credential_decide", args=[old.pk, "verify"]))
    assert dict(Credential.objects.values_list("pk", "status")) == {old.pk: "verified", new.pk: "rejected"}


# --- who may open a credential document -------------------------------------------------
@pytest.mark.parametrize("viewer, expected", [
    ("owner", 200), ("staff", 200), ("homeowner_with_bid", 200), ("other_homeowner", 404),
    ("other_contractor", 404), ("anonymous", 302),
])
def test_document_permissions(client, homeowner, other_homeowner, contractor, other_contractor, staff_user,
                              viewer, expected):
    credential = add_credential(contractor, "license")
    BidFactory(job=JobFactory(homeowner=homeowner), contractor=contractor)
    users = {"owner": contractor, "staff": staff_user, "homeowner_with_bid": homeowner,
             "other_homeowner": other_homeowner, "other_contractor": other_contractor}
    user = users.get(viewer)
    if user is not None:
        client.force_login(user)
    url = document_url(credential, user or contractor)  # anonymous: even a real link needs a login
    response = client.get(url)
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "application/pdf" and "default-src 'none'" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    if expected == 302:
        assert "/accounts/login/" in response["Location"]


def test_document_link_works_only_for_its_viewer(client, contractor, staff_user):
    credential = add_credential(contractor, "license")
    client.force_login(staff_user)
    assert client.get(document_url(credential, contractor)).status_code == 404
    assert client.get(reverse("credentials:document", args=[credential.pk, "forged"])).status_code == 404
