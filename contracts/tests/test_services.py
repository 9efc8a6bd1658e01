"""The milestone money flow with the simulated gateway (the embedded default)."""

from datetime import timedelta

import pytest
from django.utils import timezone

import payments.tests.conftest as money_fixtures
from contracts import services as contract_services
from contracts.models import Contract, EvidenceFile, Milestone, Submission
from contracts.tests.factories import contract_for
from contracts.tests.pdfs import build_pdf
from core.exceptions import InvalidState, PermissionDenied, ValidationFailed
from notifications.models import Notification
from payments.models import MilestoneEscrow, Payment, PayoutAccount, Release
from payments.tests.helpers import assert_books_balanced, onboard
from payments.tests.images import pdf_upload, png_upload

pytestmark = pytest.mark.django_db

# The money fixtures live with the payments tests.
fake_stripe = money_fixtures.fake_stripe
simulated = money_fixtures.simulated


@pytest.fixture
def contract(simulated, homeowner, contractor):
    return contract_for(homeowner=homeowner, contractor=contractor)


@pytest.fixture
def funded(contract, homeowner):
    milestone = contract.milestones.get(position=1)
    contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    milestone.refresh_from_db()
    return milestone


def test_simulated_funding_is_immediate_and_activates_the_contract(contract, homeowner, contractor):
    milestone = contract.milestones.get(position=1)
    payment = contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    milestone.refresh_from_db()
    contract.refresh_from_db()
    assert payment.status == "succeeded" and payment.payment_intent_id.startswith("sim_pi_")
    assert milestone.status == "funded" and milestone.funded_at
    assert contract.status == "active" and contract.activated_at
    assert MilestoneEscrow.objects.get(milestone=milestone).held_cents == 30_000
    assert Notification.objects.filter(recipient=contractor, event="milestone.funded").exists()
    assert Notification.objects.filter(recipient=homeowner, event="payment.receipt").exists()
    assert_books_balanced()


def test_second_milestone_keeps_contract_active(contract, homeowner, funded):
    contract_services.milestone_fund(actor=homeowner, milestone_id=contract.milestones.get(position=2).pk)
    contract.refresh_from_db()
    assert contract.status == "active"


def test_submit_stores_files_privately_and_starts_the_clock(funded, contractor, homeowner, settings):
    before = timezone.now()
    submission = contract_services.milestone_submit(actor=contractor, milestone_id=funded.pk, notes="Rough-in done.",
                                       files=[png_upload(), pdf_upload()])
    funded.refresh_from_db()
    assert funded.status == "submitted"
    delta = funded.auto_approve_at - before
    assert timedelta(days=settings.AUTO_APPROVE_DAYS) <= delta < timedelta(days=settings.AUTO_APPROVE_DAYS, minutes=1)
    files = list(submission.files.order_by("kind"))
    assert [f.kind for f in files] == ["image", "pdf"]
    assert all(f.file.name.startswith("private/evidence/") for f in files)
    assert "after" not in files[0].file.name  # random key, not the uploaded name
    assert Notification.objects.filter(recipient=homeowner, event="milestone.submitted").exists()


@pytest.mark.parametrize("files, message", [
    ([], "at least one"),
    ([png_upload() for _ in range(21)], "at most 20"),
])
def test_submit_file_count(funded, contractor, files, message):
    with pytest.raises(ValidationFailed, match=message):
        contract_services.milestone_submit(actor=contractor, milestone_id=funded.pk, notes="Done", files=files)
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("name, data", [
    ("fake.png", b"MZ\x90\x00 not an image at all"),
    ("script.pdf", build_pdf(extra={5: b"<< /S /JavaScript /JS (app.alert(1)) >>"})),
    ("cut.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n"),
    ("page.jpg", b"<html><script>alert(1)</script></html>"),
])
def test_submit_rejects_files_by_content(funded, contractor, name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, data, content_type="image/png")
    with pytest.raises(ValidationFailed):
        contract_services.milestone_submit(actor=contractor, milestone_id=funded.pk, notes="Done", files=[upload])
    assert EvidenceFile.objects.count() == 0


def test_submit_needs_notes_and_the_contractor(funded, contractor, homeowner, other_contractor):
    with pytest.raises(ValidationFailed):
        contract_services.milestone_submit(actor=contractor, milestone_id=funded.pk, notes="  ", files=[png_upload()])
    for actor in (homeowner, other_contractor):
        with pytest.raises(PermissionDenied):
            contract_services.milestone_submit(actor=actor, milestone_id=funded.pk, notes="x", files=[png_upload()])


def test_cannot_submit_unfunded(contract, contractor):
    with pytest.raises(InvalidState, match="funded"):
        contract_services.milestone_submit(actor=contractor, milestone_id=contract.milestones.get(position=1).pk, notes="x",
                              files=[png_upload()])


def test_request_changes_stops_the_clock_and_resubmission_restarts_it(funded, contractor, homeowner):
    first = contract_services.milestone_submit(actor=contractor, milestone_id=funded.pk, notes="Done", files=[png_upload()])
    contract_services.milestone_request_changes(actor=homeowner, milestone_id=funded.pk, note="Caulk the tub edge please.")
    funded.refresh_from_db()
    first.refresh_from_db()
    assert funded.status == "funded" and funded.auto_approve_at is None
    assert first.changes_requested_note == "Caulk the tub edge please."
    assert Notification.objects.filter(recipient=contractor, event="milestone.changes_requested").exists()
    assert contract_services.milestones_auto_approve_due(now=timezone.now() + timedelta(days=30)) == 0
    second = contract_services.milestone_submit(actor=contractor, milestone_id=funded.pk, notes="Caulked", files=[png_upload()])
    funded.refresh_from_db()
    assert funded.status == "submitted" and funded.auto_approve_at
    assert Submission.objects.filter(milestone=funded).count() == 2 and second.pk != first.pk


def test_request_changes_without_a_submission_is_refused_not_a_crash(funded, homeowner):
    # Seeded or hand-repaired data can say "submitted" with no submission row (seen under load).
    Milestone.objects.filter(pk=funded.pk).update(status=Milestone.Status.SUBMITTED)
    with pytest.raises(InvalidState, match="no submission"):
        contract_services.milestone_request_changes(actor=homeowner, milestone_id=funded.pk, note="Redo it")
    funded.refresh_from_db()
    assert funded.status == "submitted"


def test_request_changes_validation(funded, contractor, homeowner):
    with pytest.raises(InvalidState):
        contract_services.milestone_request_changes(actor=homeowner, milestone_id=funded.pk, note="x")
    contract_services.milestone_submit(actor=contractor, milestone_id=funded.pk, notes="Done", files=[png_upload()])
    with pytest.raises(ValidationFailed):
        contract_services.milestone_request_changes(actor=homeowner, milestone_id=funded.pk, note="")
    with pytest.raises(ValidationFailed):
        contract_services.milestone_request_changes(actor=homeowner, milestone_id=funded.pk, note="x" * 2001)
    with pytest.raises(PermissionDenied):
        contract_services.milestone_request_changes(actor=contractor, milestone_id=funded.pk, note="I want changes")


def test_approve_releases_at_once_with_a_ready_payout_account(funded, contractor, homeowner,
                                                              django_capture_on_commit_callbacks):
    onboard(contractor)
    contract_services.milestone_submit(actor=contractor, milestone_id=funded.pk, notes="Done", files=[png_upload()])
    with django_capture_on_commit_callbacks(execute=True):
        release = contract_services.milestone_approve(actor=homeowner, milestone_id=funded.pk)
    release.refresh_from_db()
    funded.refresh_from_db()
    assert funded.status == "released" and funded.released_at and funded.closed_at
    assert release.status == "succeeded" and release.transfer_id.startswith("sim_tr_")
    assert Notification.objects.filter(recipient=contractor, event="payout.sent").exists()
    assert Notification.objects.filter(recipient=homeowner, event="milestone.released").exists()
    assert_books_balanced()


def test_last_release_completes_contract_and_job(contract, contractor, homeowner, django_capture_on_commit_callbacks):
    onboard(contractor)
    for milestone in contract.milestones.order_by("position"):
        contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
        contract_services.milestone_submit(actor=contractor, milestone_id=milestone.pk, notes="Done", files=[png_upload()])
        with django_capture_on_commit_callbacks(execute=True):
            contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
        contract.refresh_from_db()
        if milestone.position == 1:
            assert contract.status == "active"
    contract.refresh_from_db()
    contract.job.refresh_from_db()
    assert contract.status == "completed" and contract.completed_at
    assert contract.job.status == "completed"
    contractor.contractor_profile.refresh_from_db()
    assert contractor.contractor_profile.completed_jobs == 1
    assert sum(e.held_cents for e in MilestoneEscrow.objects.all()) == 0
    assert_books_balanced()


def test_auto_approve_after_the_deadline(funded, contractor, homeowner, django_capture_on_commit_callbacks):
    onboard(contractor)
    contract_services.milestone_submit(actor=contractor, milestone_id=funded.pk, notes="Done", files=[png_upload()])
    funded.refresh_from_db()
    assert contract_services.milestones_auto_approve_due(now=funded.auto_approve_at - timedelta(minutes=1)) == 0
    Milestone.objects.filter(pk=funded.pk).update(auto_approve_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert contract_services.milestones_auto_approve_due() == 1
    release = Release.objects.get(milestone=funded)
    assert release.reason == "auto_approved" and release.status == "succeeded"
    assert contract_services.milestones_auto_approve_due() == 0  # nothing left, nothing twice


def test_auto_approve_reminders_7_3_1_once_each(funded, contractor, homeowner):
    contract_services.milestone_submit(actor=contractor, milestone_id=funded.pk, notes="Done", files=[png_upload()])
    funded.refresh_from_db()
    deadline = funded.auto_approve_at
    reminders = lambda: Notification.objects.filter(recipient=homeowner, event="milestone.auto_approve_reminder")  # noqa: E731
    assert contract_services.auto_approve_reminders_send(now=deadline - timedelta(days=8)) == 0
    for days in (7, 3, 1):
        now = deadline - timedelta(days=days) + timedelta(hours=1)
        contract_services.auto_approve_reminders_send(now=now)
        contract_services.auto_approve_reminders_send(now=now + timedelta(minutes=30))  # the hourly job runs again
    assert reminders().count() == 3
    assert sorted(n.body for n in reminders())  # rendered


def test_cancel_awaiting_funding_returns_job_to_reviewing(contract, homeowner):
    contract_services.contract_cancel(actor=homeowner, contract_id=contract.pk)
    contract.refresh_from_db()
    contract.job.refresh_from_db()
    contract.bid.refresh_from_db()
    assert contract.status == "cancelled" and contract.job.status == "reviewing"
    assert contract.bid.status == "not_selected"


def test_cancel_refused_once_funded_or_by_others(contract, homeowner, contractor, funded):
    with pytest.raises(PermissionDenied):
        contract_services.contract_cancel(actor=contractor, contract_id=contract.pk)
    with pytest.raises(InvalidState):
        contract_services.contract_cancel(actor=homeowner, contract_id=contract.pk)
    assert Contract.objects.get(pk=contract.pk).status == "active"


def test_cancel_closes_an_open_stripe_checkout_first(fake_stripe, homeowner, contractor):
    contract = contract_for(homeowner=homeowner, contractor=contractor)
    payment = contract_services.milestone_fund(actor=homeowner, milestone_id=contract.milestones.get(position=1).pk)
    contract_services.contract_cancel(actor=homeowner, contract_id=contract.pk)
    assert fake_stripe.calls("POST", f"/v1/checkout/sessions/{payment.checkout_session_id}/expire")
    assert Payment.objects.get(pk=payment.pk).status == "expired"
    assert Contract.objects.get(pk=contract.pk).status == "cancelled"


def test_cancel_refused_when_the_checkout_was_already_paid(fake_stripe, homeowner, contractor):
    contract = contract_for(homeowner=homeowner, contractor=contractor)
    payment = contract_services.milestone_fund(actor=homeowner, milestone_id=contract.milestones.get(position=1).pk)
    fake_stripe.complete_checkout(payment.checkout_session_id)  # paid; webhook not here yet
    with pytest.raises(InvalidState, match="in progress"):
        contract_services.contract_cancel(actor=homeowner, contract_id=contract.pk)
    assert Contract.objects.get(pk=contract.pk).status == "awaiting_funding"


def test_funding_a_cancelled_contract_is_refused(contract, homeowner):
    contract_services.contract_cancel(actor=homeowner, contract_id=contract.pk)
    with pytest.raises(InvalidState):
        contract_services.milestone_fund(actor=homeowner, milestone_id=contract.milestones.get(position=1).pk)


def test_payout_account_created_ready_with_simulated_gateway(contractor, simulated):
    from payments import services

    url = services.onboarding_link(actor=contractor)
    assert url.endswith("/payouts/?onboarding=returned")
    assert PayoutAccount.objects.get(user=contractor).payouts_enabled
