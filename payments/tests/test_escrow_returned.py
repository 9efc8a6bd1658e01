"""The milestone side of money that left escrow without the lifecycle asking: a lost card
dispute (chargeback) or a refund made in the Stripe dashboard. Real contracts funded through
the fake Stripe at the HTTP layer, signed webhooks; after each step the books balance, equal
Stripe's balance, and `reconcile` is clean."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditLog
from contracts import services as contract_services
from contracts.models import Contract, Milestone
from contracts.tests.factories import contract_for
from core.exceptions import InvalidState
from notifications.models import Notification
from payments import services
from payments.models import MilestoneEscrow, Release

from .helpers import fund_via_checkout, onboard, submit
from .test_chargebacks import send, truthful

pytestmark = pytest.mark.django_db

AMOUNT = 30_000  # the milestone; the homeowner paid 31_500 with the fee


@pytest.fixture
def deliver_now(deliver, django_capture_on_commit_callbacks):
    """Deliver a signed webhook and run what it queued after commit (emails)."""

    def send_event(event):
        with django_capture_on_commit_callbacks(execute=True):
            response = deliver(event)
        assert response.status_code == 200, response.content
        return response

    return send_event


def _fund(fake, deliver, contract, position=1):
    milestone = contract.milestones.get(position=position)
    payment, _ = fund_via_checkout(fake, deliver, milestone, contract.homeowner,
                                   events=("checkout.session.completed", "payment_intent.succeeded"))
    return milestone, payment


@pytest.fixture
def single(fake_stripe, deliver, homeowner, contractor):
    """A one-milestone contract, funded, not submitted."""
    onboard(contractor, fake_stripe)
    contract = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("The whole job", AMOUNT)])
    milestone, payment = _fund(fake_stripe, deliver, contract)
    return contract, milestone, payment


def _lose(fake, deliver_now, payment):
    dispute = fake.open_dispute(payment.charge_id)
    for kind in ("charge.dispute.created", "charge.dispute.funds_withdrawn"):
        deliver_now(fake.event(kind, fake.objects[dispute["id"]]))
    fake.close_dispute(dispute["id"], won=False)
    deliver_now(fake.event("charge.dispute.closed", fake.objects[dispute["id"]]))
    return dispute


def _told(user, words):
    notes = Notification.objects.filter(recipient=user, event="milestone.escrow_returned")
    assert notes.count() == 1, list(notes.values_list("title", "body"))
    note = notes.get()
    assert words in note.body, note.body
    return note


def test_lost_chargeback_closes_a_funded_milestone_and_completes_the_contract(
        fake_stripe, deliver, deliver_now, single, homeowner, contractor):
    contract, milestone, payment = single
    dispute = _lose(fake_stripe, deliver_now, payment)
    deliver_now(fake_stripe.event("charge.dispute.closed", fake_stripe.objects[dispute["id"]]))  # a repeat

    milestone.refresh_from_db()
    contract.refresh_from_db()
    assert milestone.status == Milestone.Status.REFUNDED and milestone.closed_at is not None
    assert contract.status == Contract.Status.COMPLETED and contract.job.status == "completed"
    assert MilestoneEscrow.objects.get(milestone=milestone).held_cents == 0
    assert AuditLog.objects.filter(action="milestone.refunded_by_chargeback").count() == 1
    for user in (homeowner, contractor):
        note = _told(user, "The bank returned this payment to the homeowner")
        assert "Milestone closed" in note.body
    subjects = [m.subject for m in mail.outbox if "closed" in m.subject]
    assert len(subjects) == 2 and all("Payment returned to the homeowner" in s for s in subjects)
    assert any("no payout will be made" in m.body and m.to == [contractor.email] for m in mail.outbox)
    with pytest.raises(InvalidState, match="refunded"):
        contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    assert not Release.objects.exists()
    truthful(fake_stripe)


def test_the_closed_milestone_says_why_on_the_contract_page(fake_stripe, deliver_now, single, client, homeowner,
                                                           contractor):
    contract, milestone, payment = single
    _lose(fake_stripe, deliver_now, payment)
    for user in (homeowner, contractor):
        client.force_login(user)
        page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
        assert "The bank returned this payment to the homeowner; milestone closed." in page
        assert "Approve and release" not in page


def test_lost_chargeback_on_the_first_of_two_milestones_keeps_the_contract_active(
        fake_stripe, deliver, deliver_now, contract, homeowner, contractor):
    onboard(contractor, fake_stripe)
    milestone, payment = _fund(fake_stripe, deliver, contract)
    _lose(fake_stripe, deliver_now, payment)
    milestone.refresh_from_db()
    contract.refresh_from_db()
    assert milestone.status == Milestone.Status.REFUNDED
    assert contract.status == Contract.Status.ACTIVE  # milestone 2 is still open
    truthful(fake_stripe)


def test_outside_full_refund_closes_a_submitted_milestone_and_stops_the_clock(
        fake_stripe, deliver_now, single, homeowner, contractor):
    contract, milestone, payment = single
    submit(milestone, contractor)
    milestone.refresh_from_db()
    assert milestone.auto_approve_at is not None
    refund = fake_stripe.dashboard_refund(payment.charge_id)  # all 31_500
    for event in (fake_stripe.event("charge.refunded", fake_stripe.public(payment.charge_id)),
                  fake_stripe.event("refund.created", refund)) * 2:
        deliver_now(event)

    milestone.refresh_from_db()
    contract.refresh_from_db()
    assert (milestone.status, milestone.auto_approve_at) == (Milestone.Status.REFUNDED, None)
    assert contract.status == Contract.Status.COMPLETED
    for user in (homeowner, contractor):
        _told(user, "This payment was refunded to the homeowner's card. Milestone closed")
    assert contract_services.milestones_auto_approve_due(now=timezone.now() + timedelta(days=60)) == 0
    assert not Release.objects.exists()
    truthful(fake_stripe)


def test_partial_outside_refund_leaves_the_milestone_open_and_approval_releases_what_is_left(
        fake_stripe, deliver_now, single, homeowner, contractor, staff_user, client, api_as,
        django_capture_on_commit_callbacks):
    contract, milestone, payment = single
    submit(milestone, contractor)
    refund = fake_stripe.dashboard_refund(payment.charge_id, 10_000)
    deliver_now(fake_stripe.event("refund.created", refund))

    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.SUBMITTED and milestone.auto_approve_at is not None
    escrow = MilestoneEscrow.objects.get(milestone=milestone)
    assert escrow.held_cents == AMOUNT - 10_000 and escrow.frozen
    for user in (homeowner, contractor):
        _told(user, "$100.00 went back; $200.00 is still in escrow and the milestone stays open")
    truthful(fake_stripe)

    # Frozen until staff look: both parties see why; the homeowner has no Approve to click.
    url = reverse("contracts:detail", args=[contract.pk])
    client.force_login(homeowner)
    page = client.get(url).content.decode()
    assert "Escrow frozen" in page and "our staff are reviewing it" in page
    assert "Approve unavailable" in page and "Approve and release" not in page
    client.force_login(contractor)
    assert "Escrow frozen" in client.get(url).content.decode()
    body = api_as(homeowner).get(f"/api/v1/contracts/{contract.pk}/").json()
    assert body["milestones"][0]["escrow_frozen"] is True
    assert "our staff are reviewing it" in body["milestones"][0]["escrow_notice"]
    response = api_as(homeowner).post(f"/api/v1/milestones/{milestone.pk}/approve/")
    assert response.status_code == 409 and "our staff are reviewing it" in response.content.decode()

    services.escrow_unfreeze_by_staff(actor=staff_user, milestone_id=milestone.pk, note="Agreed partial refund.")
    client.force_login(homeowner)
    page = client.get(url).content.decode()
    assert "Escrow frozen" not in page
    assert "Approve and release $200.00" in page and "$100.00 of this milestone went back to the homeowner" in page
    confirm = client.get(reverse("contracts:milestone_approve", args=[milestone.pk])).content.decode()
    assert "Release $200.00 to the contractor" in confirm and "$300.00" not in confirm
    assert api_as(homeowner).get(f"/api/v1/contracts/{contract.pk}/").json()["milestones"][0]["escrow_frozen"] is False

    with django_capture_on_commit_callbacks(execute=True):
        release = contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    release.refresh_from_db()
    assert (release.amount_cents, release.status) == (AMOUNT - 10_000, "succeeded")
    assert fake_stripe.calls("POST", "/v1/transfers")[-1].params["amount"] == str(AMOUNT - 10_000)
    milestone.refresh_from_db()
    contract.refresh_from_db()
    assert milestone.status == Milestone.Status.RELEASED and contract.status == Contract.Status.COMPLETED
    assert MilestoneEscrow.objects.get(milestone=milestone).held_cents == 0
    truthful(fake_stripe)


def test_open_card_dispute_shows_the_freeze_instead_of_a_409(fake_stripe, deliver_now, single, homeowner,
                                                            contractor, client, api_as):
    contract, milestone, payment = single
    submit(milestone, contractor)
    dispute = fake_stripe.open_dispute(payment.charge_id, withdraw=False)
    deliver_now(fake_stripe.event("charge.dispute.created", fake_stripe.objects[dispute["id"]]))
    url = reverse("contracts:detail", args=[contract.pk])
    for user in (homeowner, contractor):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "Escrow frozen" in page and "reviewing a card dispute" in page
    client.force_login(homeowner)
    assert "Approve unavailable" in client.get(url).content.decode()
    milestone_json = api_as(contractor).get(f"/api/v1/contracts/{contract.pk}/").json()["milestones"][0]
    assert milestone_json["escrow_frozen"] is True and "card dispute" in milestone_json["escrow_notice"]


def test_won_chargeback_leaves_the_milestone_as_it_was(fake_stripe, deliver_now, single, homeowner, contractor,
                                                      django_capture_on_commit_callbacks):
    contract, milestone, payment = single
    submit(milestone, contractor)
    milestone.refresh_from_db()
    before = (milestone.status, milestone.auto_approve_at)
    dispute = fake_stripe.open_dispute(payment.charge_id)
    for kind in ("charge.dispute.created", "charge.dispute.funds_withdrawn"):
        send(fake_stripe, deliver_now, kind, dispute["id"])
    fake_stripe.close_dispute(dispute["id"], won=True)
    send(fake_stripe, deliver_now, "charge.dispute.closed", dispute["id"])

    milestone.refresh_from_db()
    assert (milestone.status, milestone.auto_approve_at) == before
    assert not Notification.objects.filter(event="milestone.escrow_returned").exists()
    truthful(fake_stripe)
    with django_capture_on_commit_callbacks(execute=True):
        release = contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    release.refresh_from_db()
    assert (release.amount_cents, release.status) == (AMOUNT, "succeeded")
    truthful(fake_stripe)


def test_lost_chargeback_after_release_changes_no_milestone(fake_stripe, deliver, deliver_now, single, homeowner,
                                                           contractor, django_capture_on_commit_callbacks):
    contract, milestone, payment = single
    submit(milestone, contractor)
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    _lose(fake_stripe, deliver_now, payment)
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.RELEASED
    assert not Notification.objects.filter(event="milestone.escrow_returned").exists()
    truthful(fake_stripe)
