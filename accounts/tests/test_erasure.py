"""Closing an account: each app answers for its own obligations, with real jobs, bids,
contracts, payments (simulated gateway and fake Stripe) and disputes; then erasure keeps
the books under a pseudonym and scrubs the rest."""

import pytest
from allauth.account.models import EmailAddress
from django.core.files.storage import default_storage

import payments.tests.conftest as money_fixtures
from accounts.models import ApiToken, DataExport, User
from audit.models import AuditLog
from bids import services as bid_services
from bids.models import Bid
from bids.tests.factories import BidFactory
from contracts import services as contract_services
from contracts.models import Contract
from contracts.tests.factories import contract_for
from core.exceptions import InvalidState
from disputes.models import Dispute, DisputeMessage
from disputes.tests.helpers import disputed, fund, submit
from fairtrade import privacy
from jobs import services as job_services
from jobs.models import Job, JobPhoto, Question
from jobs.tests.factories import JobFactory
from notifications.models import Notification, NotificationDelivery
from payments.models import LedgerEntry, Payment, Release
from payments.tests.helpers import assert_books_balanced, fund_via_checkout, onboard
from payments.tests.images import png_upload
from reviews import services as review_services

pytestmark = pytest.mark.django_db

fake_stripe = money_fixtures.fake_stripe
simulated = money_fixtures.simulated
deliver = money_fixtures.deliver


def texts(user) -> str:
    return " ".join(blocker.text for blocker in privacy.erasure_blockers(user))


def complete(contract, django_capture_on_commit_callbacks):
    """Fund, submit and approve every milestone: the contract ends completed, nothing held."""
    onboard(contract.contractor)
    for milestone in contract.milestones.order_by("position"):
        fund(milestone, contract.homeowner)
        submit(milestone, contract.contractor)
        with django_capture_on_commit_callbacks(execute=True):
            contract_services.milestone_approve(actor=contract.homeowner, milestone_id=milestone.pk)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.COMPLETED


# --- refusals, each app for itself ------------------------------------------------------------
def test_homeowner_with_money_in_escrow_is_refused_with_a_link(client, homeowner, contractor, password, simulated):
    contract = contract_for(homeowner=homeowner, contractor=contractor, title="Retile the bathroom",
                            milestones=[("Tiles", 48_000)])
    fund(contract.milestones.get(), homeowner)
    blockers = privacy.erasure_blockers(homeowner)
    assert [b.url for b in blockers] == [f"/contracts/{contract.pk}/"]
    assert "$480.00 is held in escrow" in blockers[0].text and "Retile the bathroom" in blockers[0].text

    client.force_login(homeowner)
    page = client.get("/settings/privacy/").content.decode()
    assert "You can't delete your account yet" in page
    assert f'href="/contracts/{contract.pk}/"' in page
    assert "Delete my account</button>" not in page  # no form while something blocks
    response = client.post("/settings/privacy/", {"password": password, "confirm": "DELETE"})
    assert "$480.00 is held in escrow" in response.content.decode()
    homeowner.refresh_from_db()
    assert homeowner.is_active and homeowner.email.endswith("@example.test")
    assert not AuditLog.objects.filter(action="account.erased").exists()


def test_escrow_funded_through_stripe_checkout_blocks_both_parties(fake_stripe, deliver, homeowner, contractor):
    contract = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("Roof", 120_000)])
    payment, _ = fund_via_checkout(fake_stripe, deliver, contract.milestones.get(), homeowner)
    assert payment.status == Payment.Status.SUCCEEDED
    for party in (homeowner, contractor):
        assert "$1,200.00 is held in escrow" in texts(party)
        with pytest.raises(InvalidState, match="held in escrow"):
            privacy.account_erase(actor=party)


def test_contract_awaiting_funding_blocks_the_contractor(contractor, homeowner, simulated):
    contract = contract_for(homeowner=homeowner, contractor=contractor, title="Fence")
    blockers = privacy.erasure_blockers(contractor)
    assert len(blockers) == 1 and blockers[0].url == f"/contracts/{contract.pk}/"
    assert "awaiting funding" in blockers[0].text


def test_open_dispute_blocks_with_its_own_reason(homeowner, contractor, simulated):
    contract = contract_for(homeowner=homeowner, contractor=contractor, title="Deck", milestones=[("Boards", 30_000)])
    dispute = disputed(contract)
    urls = [b.url for b in privacy.erasure_blockers(contractor)]
    assert f"/disputes/{dispute.pk}/" in urls and f"/contracts/{contract.pk}/" in urls
    assert "A dispute on “Deck” is still open" in texts(contractor)
    with pytest.raises(InvalidState):
        privacy.account_erase(actor=contractor)
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.AWAITING_RESPONSE
    assert dispute.opened_by.full_name != "Former member"


def test_open_job_with_bids_and_active_bids_block(homeowner, contractor):
    job = JobFactory(homeowner=homeowner, title="Paint the porch")
    BidFactory(job=job, contractor=contractor)
    assert "“Paint the porch” has 1 bid waiting" in texts(homeowner)
    assert privacy.erasure_blockers(homeowner)[0].url == f"/jobs/{job.pk}/"
    assert "Your bid on “Paint the porch” is still active" in texts(contractor)
    bid_services.bid_withdraw(actor=contractor, bid=Bid.objects.get())
    assert privacy.erasure_blockers(contractor) == []
    assert privacy.erasure_blockers(homeowner) == []  # a withdrawn bid waits for nobody


def test_payout_waiting_for_setup_blocks_the_contractor(homeowner, contractor, simulated,
                                                         django_capture_on_commit_callbacks):
    contract = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("All", 50_000)])
    milestone = fund(contract.milestones.get(), homeowner)
    submit(milestone, contractor)
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)  # no payout account yet
    assert Release.objects.get().status == Release.Status.WAITING
    blockers = privacy.erasure_blockers(contractor)
    assert [(b.text, b.url) for b in blockers] == [
        ("A payout of $500.00 is waiting for your payout setup: finish it so the money can reach you.", "/payouts/")]
    assert privacy.erasure_blockers(homeowner) == []  # the homeowner's side is done


def test_open_review_window_does_not_block(homeowner, contractor, simulated, django_capture_on_commit_callbacks):
    contract = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("All", 20_000)])
    complete(contract, django_capture_on_commit_callbacks)
    review_services.review_submit(actor=homeowner, contract_id=contract.pk, rating=5, body="Tidy and on time.")
    assert privacy.erasure_blockers(homeowner) == [] and privacy.erasure_blockers(contractor) == []
    privacy.account_erase(actor=contractor)
    # The other party can still review the closed account within the window.
    review = review_services.review_submit(actor=contractor, contract_id=contract.pk, rating=4, body="Clear brief.")
    assert review.subject == homeowner


# --- what erasure keeps and removes -------------------------------------------------------------
@pytest.fixture
def history(homeowner, contractor, other_contractor, simulated, django_capture_on_commit_callbacks, api_as):
    """A homeowner after a completed contract, a job nobody was hired for, a draft, Q&A,
    notifications, a token and a ready data export."""
    contract = contract_for(homeowner=homeowner, contractor=contractor, title="Kitchen sink",
                            description="Replace the sink and the tap.", address="12 Elm St",
                            milestones=[("Sink", 40_000), ("Tap", 10_000)])
    complete(contract, django_capture_on_commit_callbacks)
    lonely = JobFactory(homeowner=homeowner, title="Shed roof", description="Leaks in one corner.",
                        address="12 Elm St", status=Job.Status.OPEN)
    photo = job_services.photo_add(actor=homeowner, job=lonely, image=png_upload("shed.png"))
    question = job_services.question_ask(actor=other_contractor, job=lonely, body="Is the shed wooden?")
    job_services.question_answer(actor=homeowner, question=question, answer="Yes, cedar.")
    draft = JobFactory(homeowner=homeowner, title="Draft", status=Job.Status.DRAFT)
    api_as(homeowner)
    export = DataExport.objects.create(user=homeowner)
    privacy.data_export_build(export_id=export.pk)
    export.refresh_from_db()
    return {"contract": contract, "lonely": lonely, "photo": photo, "draft": draft, "export": export}


def test_erasure_keeps_the_books_under_a_pseudonym_and_scrubs_the_rest(client, homeowner, password, history):
    contract, lonely, photo, export = history["contract"], history["lonely"], history["photo"], history["export"]
    email, photo_name, export_name = homeowner.email, photo.image.name, export.file.name
    assert default_storage.exists(photo_name) and default_storage.exists(export_name)
    ledger_rows, payments = LedgerEntry.objects.count(), list(Payment.objects.values("pk", "amount_cents", "payer"))
    assert Notification.objects.filter(recipient=homeowner).exists()

    client.force_login(homeowner)
    response = client.post("/settings/privacy/", {"password": password, "confirm": "DELETE"})
    assert response.status_code == 302 and response["Location"] == "/"

    homeowner.refresh_from_db()
    assert (homeowner.full_name, homeowner.phone, homeowner.is_active) == ("Former member", "", False)
    assert homeowner.display_name == "Former member"
    assert homeowner.email == f"erased-{homeowner.pk}@erased.invalid" and not homeowner.has_usable_password()
    assert not User.objects.filter(email=email).exists() and not EmailAddress.objects.filter(user=homeowner).exists()
    assert not hasattr(User.objects.get(pk=homeowner.pk), "homeowner_profile")
    assert not ApiToken.objects.filter(user=homeowner).exists()
    # Kept: the books and the contract's money history, pointing at the pseudonym.
    assert LedgerEntry.objects.count() == ledger_rows
    assert list(Payment.objects.values("pk", "amount_cents", "payer")) == payments
    contract.refresh_from_db()
    assert contract.homeowner_id == homeowner.pk and contract.status == Contract.Status.COMPLETED
    assert contract.job.description == "Replace the sink and the tap."  # the contractor's scope of work
    assert contract.job.address == ""
    assert_books_balanced()
    # Removed: what nobody else relies on, files included.
    lonely.refresh_from_db()
    assert (lonely.status, lonely.description, lonely.address) == (Job.Status.CANCELLED, "", "")
    assert not JobPhoto.objects.filter(pk=photo.pk).exists() and not default_storage.exists(photo_name)
    assert Question.objects.get(job=lonely).answer == "Yes, cedar."  # answered Q&A stays, unattributed
    assert Job.objects.get(pk=history["draft"].pk).status == Job.Status.CANCELLED
    assert not DataExport.objects.filter(user=homeowner).exists() and not default_storage.exists(export_name)
    assert not Notification.objects.filter(recipient=homeowner).exists()
    assert not NotificationDelivery.objects.filter(recipient=homeowner).exists()
    # The audit log stays, but no longer names the person.
    assert AuditLog.objects.filter(actor=homeowner).exists()
    assert not AuditLog.objects.filter(target_repr__icontains=email).exists()
    assert not AuditLog.objects.filter(data__email__iexact=email).exists()
    assert AuditLog.objects.get(action="account.erased").data["user_id"] == str(homeowner.pk)
    assert client.get("/dashboard/").status_code == 302


def test_contractor_erasure_keeps_dispute_record_and_scrubs_profile(homeowner, contractor, simulated,
                                                                     django_capture_on_commit_callbacks):
    from disputes.services import dispute_withdraw

    contract = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("Wiring", 30_000)])
    dispute = disputed(contract)
    DisputeMessage.objects.create(dispute=dispute, author=contractor, body="I fixed the outlet.")
    dispute_withdraw(actor=homeowner, dispute_id=dispute.pk)
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.milestone_approve(actor=homeowner, milestone_id=dispute.milestone_id)
    lost = BidFactory(contractor=contractor, message="Call me on 512 555 0100", status=Bid.Status.NOT_SELECTED)
    privacy.account_erase(actor=contractor)

    profile = User.objects.get(pk=contractor.pk).contractor_profile
    assert (profile.business_name, profile.license_number, profile.bio) == ("Former contractor", "", "")
    assert profile.user.display_name == "Former contractor"
    assert not profile.trades.exists()
    assert DisputeMessage.objects.get(author=contractor).body == "I fixed the outlet."
    lost.refresh_from_db()
    assert lost.message == "" and lost.amount_cents == 45_000
    assert Bid.objects.get(contracts__isnull=False).message  # the accepted bid a contract rests on stays


def test_closed_contractor_bid_is_not_revived_when_the_award_is_cancelled(homeowner, contractor, other_contractor,
                                                                           simulated):
    from contracts.services import contract_cancel

    contract = contract_for(homeowner=homeowner, contractor=contractor)
    lost = BidFactory(job=contract.job, contractor=other_contractor, status=Bid.Status.NOT_SELECTED)
    privacy.account_erase(actor=other_contractor)
    contract_cancel(actor=homeowner, contract_id=contract.pk)
    lost.refresh_from_db()
    assert lost.status == Bid.Status.NOT_SELECTED


def test_erasure_deletes_two_factor_secrets(homeowner):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(homeowner, generate_totp_secret())
    assert Authenticator.objects.filter(user=homeowner).exists()
    privacy.account_erase(actor=homeowner)
    assert not Authenticator.objects.filter(user=homeowner).exists()


def test_erasure_twice_is_refused(homeowner):
    privacy.account_erase(actor=homeowner)
    with pytest.raises(InvalidState, match="already closed"):
        privacy.account_erase(actor=User.objects.get(pk=homeowner.pk))


def test_erase_needs_password_and_confirmation(client, homeowner):
    client.force_login(homeowner)
    response = client.post("/settings/privacy/", {"password": "wrong", "confirm": "delete"})
    assert b"That password is not correct." in response.content
    assert b"Type DELETE in capital letters" in response.content
    homeowner.refresh_from_db()
    assert homeowner.is_active


def test_confirmation_states_what_happens(client, homeowner):
    client.force_login(homeowner)
    page = client.get("/settings/privacy/").content.decode()
    assert "This can't be undone" in page and "We keep, under a pseudonym" in page and "We erase" in page
