"""The data export: everything about the person across every app, nothing private of anyone
else, built by a Celery task into a zip (JSON + HTML) behind a signed link that expires."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.storage import default_storage
from django.utils import timezone

import payments.tests.conftest as money_fixtures
from accounts import personal_data
from accounts.models import DataExport
from accounts.tasks import expire_data_exports
from audit.models import AuditLog
from bids import services as bid_services
from bids.tests.factories import BidFactory
from contracts import services as contract_services
from contracts.tests.factories import contract_for
from disputes import services as dispute_services
from disputes.tests.helpers import disputed, fund, submit
from fairtrade import privacy
from jobs import services as job_services
from jobs.tests.factories import JobFactory
from notifications.models import Notification
from payments.tests.helpers import onboard
from reviews import services as review_services

pytestmark = pytest.mark.django_db

simulated = money_fixtures.simulated

OTHER_BID_MESSAGE = "Rival-bid-secret: I can undercut anyone"


@pytest.fixture
def world(homeowner, contractor, other_contractor, simulated, api_as, django_capture_on_commit_callbacks):
    """A contractor with a revised bid (beside a rival's), a completed contract with reviews,
    and a second contract in a dispute with a message and an offer."""
    job = JobFactory(homeowner=homeowner, title="Fix the porch steps")
    bid = BidFactory(job=job, contractor=contractor, amount_cents=90_000, message="First thoughts")
    bid_services.bid_revise(actor=contractor, bid=bid, amount_cents=85_000, message="Sharper price")
    BidFactory(job=job, contractor=other_contractor, amount_cents=77_700, message=OTHER_BID_MESSAGE)
    question = job_services.question_ask(actor=contractor, job=job, body="Are the stringers rotten too?")
    job_services.question_answer(actor=homeowner, question=question, answer="Only the treads.")

    done = contract_for(homeowner=homeowner, contractor=contractor, title="Hang two doors",
                        address="12 Secret Lane", milestones=[("Doors", 20_000)])
    onboard(contractor)
    milestone = fund(done.milestones.get(), homeowner)
    submit(milestone, contractor)
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    review_services.review_submit(actor=homeowner, contract_id=done.pk, rating=5, body="Doors swing perfectly.")
    review_services.review_submit(actor=contractor, contract_id=done.pk, rating=4, body="Kind and clear client.")

    fought = contract_for(homeowner=homeowner, contractor=contractor, title="Tile the hallway",
                          milestones=[("Tiles", 50_000)])
    dispute = disputed(fought)
    dispute_services.message_post(actor=contractor, dispute_id=dispute.pk, body="The cracks came from the slab.")
    dispute_services.offer_make(actor=contractor, dispute_id=dispute.pk, contractor_amount_cents=40_000,
                                note="Keep 100 for the slab")
    api_as(contractor)
    return {"job": job, "done": done, "dispute": dispute}


def test_export_has_every_section_and_only_the_persons_data(contractor, homeowner, world):
    data = privacy.personal_data_of(contractor)
    assert list(data) == ["format", "exported_at", "user_id", "accounts", "credentials", "directory", "jobs", "bids", "contracts", "payments",
                          "disputes", "reviews", "messaging", "moderation", "webhooks", "notifications", "analytics",
                          "audit"]
    assert data["accounts"]["account"]["email"] == contractor.email
    assert data["accounts"]["contractor_profile"]["business_name"] == contractor.contractor_profile.business_name
    assert data["accounts"]["api_tokens"][0]["name"] == "test" and "prefix" not in data["accounts"]["api_tokens"][0]

    bids = {b["job"]: b for b in data["bids"]["bids"]}
    assert set(bids) == {"Fix the porch steps", "Hang two doors", "Tile the hallway"}  # own bids only
    bid = bids["Fix the porch steps"]
    assert (bid["amount_cents"], bid["message"]) == (85_000, "Sharper price")
    assert [(r["amount_cents"], r["message"]) for r in bid["revisions"]] == [(90_000, "First thoughts")]
    assert data["jobs"]["questions_asked"][0]["answer"] == "Only the treads."
    assert data["jobs"]["jobs_posted"] == []

    contracts = {c["job"]: c for c in data["contracts"]["contracts"]}
    assert contracts["Hang two doors"]["milestones"][0]["status"] == "Released"
    assert contracts["Hang two doors"]["milestones"][0]["submissions"][0]["files"] == ["after.png"]
    assert contracts["Hang two doors"]["other_party"] == homeowner.display_name
    assert data["payments"]["payouts"][0]["amount_cents"] == 20_000
    assert data["payments"]["payout_account"]["payouts_enabled"] is True

    [dispute] = data["disputes"]["disputes"]
    assert dispute["opened_by"] == "the other party"
    assert [m["body"] for m in dispute["messages"]] == ["The cracks came from the slab."]
    assert dispute["offers"][0]["contractor_amount_cents"] == 40_000 and dispute["offers"][0]["from"] == "you"

    assert data["reviews"]["reviews_written"][0]["body"] == "Kind and clear client."
    assert data["reviews"]["reviews_received"][0]["body"] == "Doors swing perfectly."
    assert {n["event"] for n in data["notifications"]["notifications"]} >= {"payout.sent", "bid.confirmation"}
    assert any(e["action"] == "bid.revised" for e in data["audit"]["entries"])

    text = json.dumps(data, default=str)
    # Never another party's private data: no rival bid, no homeowner address or phone.
    assert OTHER_BID_MESSAGE not in text and "77700" not in text
    assert "12 Secret Lane" not in text and homeowner.phone not in text and homeowner.email not in text


def test_homeowner_export_holds_their_jobs_with_address_but_no_bids(homeowner, contractor, world):
    data = privacy.personal_data_of(homeowner)
    jobs = {j["title"]: j for j in data["jobs"]["jobs_posted"]}
    assert jobs["Hang two doors"]["street_address"] == "12 Secret Lane"
    assert jobs["Fix the porch steps"]["questions"][0]["question"] == "Are the stringers rotten too?"
    assert data["bids"]["bids"] == []
    assert data["payments"]["payments"][0]["receipt"].startswith("/payments/")
    received = data["reviews"]["reviews_received"]
    assert [r["body"] for r in received] == ["Kind and clear client."]
    text = json.dumps(data, default=str)
    assert OTHER_BID_MESSAGE not in text and "Sharper price" not in text and contractor.phone not in text


def test_unpublished_review_of_the_person_is_not_exported(homeowner, contractor, simulated,
                                                          django_capture_on_commit_callbacks):
    done = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("All", 10_000)])
    onboard(contractor)
    submit(fund(done.milestones.get(), homeowner), contractor)
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.milestone_approve(actor=homeowner, milestone_id=done.milestones.get().pk)
    review_services.review_submit(actor=homeowner, contract_id=done.pk, rating=2, body="Double-blind text")
    assert "Double-blind text" not in json.dumps(privacy.personal_data_of(contractor), default=str)


def test_reports_made_and_suspension_are_exported_never_who_reported_them(homeowner, contractor, other_homeowner,
                                                                          staff_user, world):
    from moderation import services as moderation

    moderation.report_create(actor=contractor, target_kind="job", target_id=world["job"].pk, reason="spam",
                             details="Same job posted five times")
    moderation.report_create(actor=other_homeowner, target_kind="profile", target_id=contractor.pk,
                             reason="off_platform_payment", details="Asked me to pay by wire, secret-reporter-note")
    moderation.user_suspend(actor=staff_user, user_id=contractor.pk, reason="Payment outside the platform.",
                            target_kind="profile", target_id=contractor.pk)
    contractor.refresh_from_db()
    data = privacy.personal_data_of(contractor)["moderation"]
    assert [(r["about"], r["reason"], r["details"]) for r in data["reports_made"]] == [
        ("Job", "Spam or advertising", "Same job posted five times")]
    assert data["moderation_of_your_account"][0]["action"] == "Account suspended"
    assert data["moderation_of_your_account"][0]["reason"] == "Payment outside the platform."
    assert data["suspended"]["reason"] == "Payment outside the platform."
    text = json.dumps(privacy.personal_data_of(contractor), default=str)
    assert "secret-reporter-note" not in text and other_homeowner.email not in text
    assert str(other_homeowner.pk) not in text


def _zip(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


def test_request_builds_in_the_background_and_notifies_with_a_signed_link(client, contractor, other_contractor, world,
                                                                          django_capture_on_commit_callbacks):
    client.force_login(contractor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/settings/privacy/export/")
    assert response.status_code == 302 and response["Location"] == "/settings/privacy/"
    export = DataExport.objects.get(user=contractor)
    assert export.status == DataExport.Status.READY
    assert export.expires_at - export.ready_at == timedelta(days=7)

    notice = Notification.objects.get(recipient=contractor, event="account.data_export_ready")
    link = notice.url
    assert link.startswith("/settings/privacy/exports/")
    [email] = [m for m in mail.outbox if m.to == [contractor.email]]
    assert "http://testserver" + link in email.body

    page = client.get("/settings/privacy/").content.decode()
    # The page signs a fresh link (its timestamp may be a second later than the notice's).
    assert f'href="/settings/privacy/exports/{export.pk}:' in page and "Ready" in page

    download = client.get(link)
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = _zip(b"".join(download.streaming_content))
    assert set(archive.namelist()) == {"my-data.json", "my-data.html", "README.txt"}
    data = json.loads(archive.read("my-data.json"))
    assert "Sharper price" in {b["message"] for b in data["bids"]["bids"]}
    html = archive.read("my-data.html").decode()
    assert "<h2>Your bids</h2>" in html and "Sharper price" in html and "Contracts and milestones" in html
    assert AuditLog.objects.filter(action="account.data_downloaded", actor=contractor).exists()

    client.force_login(other_contractor)
    assert client.get(link).status_code == 404  # the link alone is not enough
    client.logout()
    assert client.get(link).status_code == 302  # sign in first


def test_link_expires_and_the_file_is_deleted(client, contractor):
    export = DataExport.objects.create(user=contractor)
    privacy.data_export_build(export_id=export.pk)
    export.refresh_from_db()
    stored = export.file.name
    assert stored.startswith("private/exports/") and default_storage.exists(stored)
    link = f"/settings/privacy/exports/{personal_data.export_token(export)}/"
    client.force_login(contractor)
    assert client.get(link).status_code == 200
    assert client.get(link[:-3] + "xx/").status_code == 404  # tampered
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert client.get(link).status_code == 404
        assert expire_data_exports() == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED and not default_storage.exists(stored)
    assert not export.file


def test_a_second_request_while_one_is_pending_reuses_it(contractor):
    first = personal_data.data_export_request(actor=contractor)
    assert personal_data.data_export_request(actor=contractor) == first
    assert DataExport.objects.filter(user=contractor).count() == 1


def test_html_escapes_what_people_typed(homeowner):
    JobFactory(homeowner=homeowner, title="<script>alert(1)</script> deck")
    html = personal_data.export_archive(privacy.personal_data_of(homeowner))
    page = _zip(html).read("my-data.html").decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; deck" in page


def test_a_failing_section_marks_the_export_failed_and_the_page_says_so(client, contractor, monkeypatch):
    from reviews import privacy as reviews_privacy

    def broken(user):
        raise RuntimeError("database went away")

    monkeypatch.setattr(reviews_privacy, "export", broken)
    export = DataExport.objects.create(user=contractor)
    _, built = privacy.data_export_build(export_id=export.pk)
    export.refresh_from_db()
    assert not built and export.status == DataExport.Status.FAILED and not export.file
    client.force_login(contractor)
    assert "Failed" in client.get("/settings/privacy/").content.decode()
