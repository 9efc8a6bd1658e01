"""Opening, freezing, messages, offers, withdrawal: the rules and their error cases."""

import pytest
from django.db import IntegrityError, transaction

from contracts import services as contract_services
from contracts.models import Milestone
from core.exceptions import Conflict, InvalidState, PermissionDenied, ValidationFailed
from disputes import services
from disputes.models import Dispute, DisputeFile, Offer
from payments.tests.images import png_upload

from .helpers import disputed, first_milestone, fund, open_on, submit

pytestmark = pytest.mark.django_db


def test_open_freezes_the_milestone(contract):
    dispute = disputed(contract)
    milestone = dispute.milestone
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.DISPUTED
    assert milestone.auto_approve_at is None
    assert dispute.status == Dispute.Status.AWAITING_RESPONSE
    assert dispute.milestone_status_before == "submitted"
    assert dispute.auto_approve_remaining is not None
    # The freeze: no approval, no auto-approval, no release.
    with pytest.raises(InvalidState):
        contract_services.milestone_approve(actor=contract.homeowner, milestone_id=milestone.pk)
    with pytest.raises(InvalidState):
        contract_services.milestone_approve(actor=None, milestone_id=milestone.pk, auto=True)
    assert contract_services.milestones_auto_approve_due() == 0
    with pytest.raises(InvalidState):
        contract_services.milestone_request_changes(actor=contract.homeowner, milestone_id=milestone.pk, note="fix")


def test_contractor_can_open_on_funded_milestone_and_asks_no_refund(contract):
    milestone = fund(first_milestone(contract), contract.homeowner)
    dispute = open_on(milestone, contract.contractor, reason="payment", requested_refund_cents=5_000)
    assert dispute.requested_refund_cents == 0
    assert dispute.milestone_status_before == "funded"


@pytest.mark.parametrize("status", ["unfunded", "released"])
def test_cannot_dispute_unfunded_or_released(contract, status):
    milestone = first_milestone(contract)
    if status == "released":
        fund(milestone, contract.homeowner)
        submit(milestone, contract.contractor)
        contract_services.milestone_approve(actor=contract.homeowner, milestone_id=milestone.pk)
    with pytest.raises(InvalidState):
        open_on(milestone, contract.homeowner)
    assert not Dispute.objects.exists()


def test_second_open_dispute_is_refused(contract):
    dispute = disputed(contract)
    with pytest.raises(Conflict):
        open_on(dispute.milestone, contract.contractor)
    # And the database refuses it too, whatever the code path.
    with pytest.raises(IntegrityError), transaction.atomic():
        Dispute.objects.create(contract=contract, milestone=dispute.milestone, opened_by=contract.contractor,
                               reason="other", description="x", amount_cents=dispute.amount_cents,
                               milestone_status_before="submitted", response_due_at=dispute.response_due_at)


def test_non_party_cannot_open(contract, other_homeowner, staff_user):
    milestone = fund(first_milestone(contract), contract.homeowner)
    for outsider in (other_homeowner, staff_user):
        with pytest.raises(PermissionDenied):
            open_on(milestone, outsider)


@pytest.mark.parametrize("kwargs, field", [
    ({"requested_refund_cents": 30_001}, "requested_refund_cents"),
    ({"requested_refund_cents": -1}, "requested_refund_cents"),
    ({"reason": "bored"}, "reason"),
    ({"description": "   "}, "description"),
])
def test_bad_opening_input(contract, kwargs, field):
    milestone = fund(first_milestone(contract), contract.homeowner)
    with pytest.raises(ValidationFailed) as exc:
        open_on(milestone, contract.homeowner, **kwargs)
    assert field in exc.value.fields
    milestone.refresh_from_db()
    assert milestone.status == "funded"


def test_evidence_is_checked_by_content(contract):
    milestone = fund(first_milestone(contract), contract.homeowner)
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake_png = SimpleUploadedFile("photo.png", b"<html>not an image</html>", content_type="image/png")
    with pytest.raises(ValidationFailed):
        open_on(milestone, contract.homeowner, files=[fake_png])
    dispute = open_on(milestone, contract.homeowner, files=[png_upload("crack.png")])
    stored = DisputeFile.objects.get(dispute=dispute)
    assert stored.kind == "image" and stored.file.name.startswith("disputes/evidence/")
    assert "crack" not in stored.file.name  # random key, nothing guessable


def test_response_starts_negotiation_and_opener_message_does_not(contract):
    dispute = disputed(contract)
    services.message_post(actor=contract.homeowner, dispute_id=dispute.pk, body="More photos coming.")
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.AWAITING_RESPONSE
    services.message_post(actor=contract.contractor, dispute_id=dispute.pk, body="I can fix them Monday.")
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.NEGOTIATION
    assert dispute.negotiation_due_at == dispute.deadline_at


def test_outsider_cannot_post(contract, other_contractor):
    dispute = disputed(contract)
    with pytest.raises(PermissionDenied):
        services.message_post(actor=other_contractor, dispute_id=dispute.pk, body="hello")


@pytest.mark.parametrize("amount", [30_001, -1, "100"])
def test_offer_out_of_range(contract, amount):
    dispute = disputed(contract)
    with pytest.raises(ValidationFailed):
        services.offer_make(actor=contract.contractor, dispute_id=dispute.pk, contractor_amount_cents=amount)
    assert not Offer.objects.exists()


def test_cannot_accept_own_offer(contract):
    dispute = disputed(contract)
    offer = services.offer_make(actor=contract.contractor, dispute_id=dispute.pk, contractor_amount_cents=20_000)
    with pytest.raises(PermissionDenied):
        services.offer_accept(actor=contract.contractor, offer_id=offer.pk)
    offer.refresh_from_db()
    assert offer.status == "pending"


def test_new_offer_supersedes_and_reject(contract):
    dispute = disputed(contract)
    first = services.offer_make(actor=contract.contractor, dispute_id=dispute.pk, contractor_amount_cents=25_000)
    second = services.offer_make(actor=contract.contractor, dispute_id=dispute.pk, contractor_amount_cents=20_000)
    first.refresh_from_db()
    assert first.status == "superseded"
    services.offer_reject(actor=contract.homeowner, offer_id=second.pk)
    second.refresh_from_db()
    assert second.status == "rejected"
    with pytest.raises(InvalidState):
        services.offer_accept(actor=contract.homeowner, offer_id=second.pk)


def test_staff_proposal_needs_both_parties(contract, staff_user, django_capture_on_commit_callbacks):
    dispute = disputed(contract)
    offer = services.offer_make(actor=staff_user, dispute_id=dispute.pk, contractor_amount_cents=15_000)
    assert offer.by_staff
    services.offer_accept(actor=contract.homeowner, offer_id=offer.pk)
    dispute.refresh_from_db()
    assert dispute.is_open
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_accept(actor=contract.contractor, offer_id=offer.pk)
    dispute.refresh_from_db()
    assert dispute.status == "resolved" and dispute.outcome == "split"


def test_withdraw_only_by_opener_and_restores_milestone(contract):
    dispute = disputed(contract)
    with pytest.raises(PermissionDenied):
        services.dispute_withdraw(actor=contract.contractor, dispute_id=dispute.pk)
    offer = services.offer_make(actor=contract.contractor, dispute_id=dispute.pk, contractor_amount_cents=1)
    services.dispute_withdraw(actor=contract.homeowner, dispute_id=dispute.pk)
    dispute.refresh_from_db()
    milestone = Milestone.objects.get(pk=dispute.milestone_id)
    offer.refresh_from_db()
    assert dispute.status == "withdrawn"
    assert milestone.status == "submitted" and milestone.auto_approve_at is not None
    assert offer.status == "lapsed"
    # Closed: nothing more happens in it, and a new dispute may be opened.
    with pytest.raises(InvalidState):
        services.message_post(actor=contract.homeowner, dispute_id=dispute.pk, body="again")
    assert open_on(milestone, contract.homeowner).is_open
