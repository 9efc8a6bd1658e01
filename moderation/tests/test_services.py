"""Moderation services with real objects: reports (idempotent, rate-limited, validated), and
staff's decisions: hide each kind of content, warn, suspend (a real contractor's real open
bids on real jobs withdrawn, both sides told, nothing revealed), lift, dismiss; all audited."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.tests.factories import ContractorFactory, HomeownerFactory, StaffFactory
from audit.models import AuditLog
from bids import services as bid_services
from bids.models import Bid
from contracts.tests.factories import contract_for
from core.exceptions import InvalidState, PermissionDenied, RateLimited, ValidationFailed
from jobs import services as job_services
from jobs.tests.factories import JobFactory
from messaging import services as message_services
from moderation import services
from moderation.models import ModerationAction, Report
from notifications.models import Notification, NotificationDelivery

pytestmark = pytest.mark.django_db


def _terms(amount):
    return {"amount_cents": amount, "estimated_days": 5, "proposed_start": timezone.localdate() + timedelta(days=7),
            "message": "Can start next week."}


def _report(world, role, kind, reason="spam", details=""):
    return services.report_create(actor=world["people"][role], target_kind=kind, target_id=world["targets"][kind],
                                  reason=reason, details=details)


# --- Reports ---------------------------------------------------------------------------
def test_a_report_is_recorded_once_and_audited(world):
    report, created = _report(world, "other_contractor", "job", details="Posted three times")
    again, created_again = _report(world, "other_contractor", "job", reason="fraud")
    assert created and not created_again and again.pk == report.pk
    assert Report.objects.count() == 1
    assert report.target_owner == world["people"]["owner"] and report.status == "open"
    entry = AuditLog.objects.get(action="report.created")
    assert entry.actor == world["people"]["other_contractor"] and entry.data["kind"] == "job"
    # The author is not told anything about a report.
    assert not Notification.objects.filter(recipient=world["people"]["owner"], event__startswith="moderation").exists()


def test_after_a_decision_the_same_person_can_report_again(world, staff_user):
    report, _ = _report(world, "other_contractor", "job")
    services.reports_dismiss(actor=staff_user, target_kind="job", target_id=world["job"].pk)
    second, created = _report(world, "other_contractor", "job")
    assert created and second.pk != report.pk


def test_twenty_reports_a_day_then_a_clear_error(world):
    reporter = world["people"]["other_contractor"]
    for job in JobFactory.create_batch(services.REPORTS_PER_DAY):
        services.report_create(actor=reporter, target_kind="job", target_id=job.pk, reason="spam")
    with pytest.raises(RateLimited) as refused:
        _report(world, "other_contractor", "job")
    assert refused.value.status_code == 429 and "20 reports in the last 24 hours" in refused.value.message
    # A day later the limit has room again.
    Report.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    assert _report(world, "other_contractor", "job")[1]


@pytest.mark.parametrize(("kind", "reason", "details", "field"), [
    ("bid", "spam", "", "target_kind"),
    ("job", "because", "", "reason"),
    ("job", "other", "  ", "details"),
    ("job", "spam", "x" * 2001, "details"),
])
def test_report_input_is_validated(world, kind, reason, details, field):
    with pytest.raises(ValidationFailed) as refused:
        services.report_create(actor=world["people"]["bidder"], target_kind=kind, target_id=world["targets"]["job"],
                               reason=reason, details=details)
    assert field in refused.value.fields


def test_own_content_cannot_be_reported(world):
    with pytest.raises(PermissionDenied, match="your own job"):
        _report(world, "owner", "job")


# --- Hide -----------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "author", "audit_action"), [
    ("profile", "party", "account.profile_hidden"),
    ("job", "owner", "job.hidden"),
    ("question", "bidder", "job.question_hidden"),
    ("review", "owner", "review.hidden"),
    ("message", "owner", "message.hidden"),
])
def test_hide_each_kind(world, staff_user, kind, author, audit_action):
    reporters = ["other_homeowner", "other_contractor"] if kind != "message" else ["party"]
    for role in reporters:
        _report(world, role, kind)
    action = services.content_hide(actor=staff_user, target_kind=kind, target_id=world["targets"][kind],
                                   reason="Contact details to pay outside the platform.")
    assert action.kind == "hide" and action.subject == world["people"][author]
    assert set(Report.objects.values_list("status", flat=True)) == {"actioned"}
    assert all(r.action_id == action.pk and r.handled_by == staff_user for r in Report.objects.all())
    told = Notification.objects.get(recipient=world["people"][author], event="moderation.content_removed")
    assert "Contact details to pay outside the platform." in told.body
    assert AuditLog.objects.filter(action=audit_action, actor=staff_user).exists()
    assert AuditLog.objects.get(action="moderation.content_hidden").data["reports"] == len(reporters)
    with pytest.raises(InvalidState):  # already removed
        services.content_hide(actor=staff_user, target_kind=kind, target_id=world["targets"][kind], reason="Again")


def test_hiding_a_message_redacts_the_other_partys_notification(world, staff_user):
    party = world["people"]["party"]
    received = Notification.objects.get(recipient=party, event="message.received")
    assert "Pay me cash" in received.body
    services.content_hide(actor=staff_user, target_kind="message", target_id=world["message"].pk, reason="Fee dodge.")
    received.refresh_from_db()
    assert "Pay me cash" not in received.body and not received.email_pending


def test_only_staff_with_moderation_rights_decide(world, staff_user):
    kind, pk = "job", world["targets"]["job"]
    for actor in (world["people"]["owner"], world["people"]["other_contractor"], StaffFactory(is_superuser=False)):
        with pytest.raises(PermissionDenied):
            services.content_hide(actor=actor, target_kind=kind, target_id=pk, reason="x")
        with pytest.raises(PermissionDenied):
            services.user_warn(actor=actor, target_kind=kind, target_id=pk, reason="x")
        with pytest.raises(PermissionDenied):
            services.user_suspend(actor=actor, user_id=world["people"]["owner"].pk, reason="x")
    # Reviewing reports is not enough to suspend: that is its own permission.
    reviewer = StaffFactory(is_superuser=False)
    reviewer.user_permissions.add(Permission.objects.get(codename="change_report"))
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)  # fresh permission cache
    services.user_warn(actor=reviewer, target_kind=kind, target_id=pk, reason="Please keep it civil.")
    with pytest.raises(PermissionDenied):
        services.user_suspend(actor=reviewer, user_id=world["people"]["owner"].pk, reason="x")
    with pytest.raises(ValidationFailed):
        services.content_hide(actor=staff_user, target_kind=kind, target_id=pk, reason="  ")


# --- Warn and dismiss -------------------------------------------------------------------
def test_warn_keeps_the_content_and_tells_the_author(world, staff_user):
    _report(world, "other_homeowner", "review")
    services.user_warn(actor=staff_user, target_kind="review", target_id=world["review"].pk,
                       reason="Reviews describe the work, not the person.")
    world["review"].refresh_from_db()
    assert world["review"].status == "published"
    warning = Notification.objects.get(recipient=world["people"]["owner"], event="moderation.warning")
    assert "Reviews describe the work" in warning.body
    assert Report.objects.get().status == "actioned"
    assert AuditLog.objects.filter(action="moderation.user_warned", target_id=str(world["people"]["owner"].pk)).exists()


def test_dismiss_closes_reports_and_tells_nobody(world, staff_user):
    _report(world, "other_homeowner", "question")
    before = Notification.objects.count()
    services.reports_dismiss(actor=staff_user, target_kind="question", target_id=world["question"].pk,
                             note="A fair question.")
    assert Report.objects.get().status == "dismissed" and Notification.objects.count() == before
    with pytest.raises(InvalidState, match="no open reports"):
        services.reports_dismiss(actor=staff_user, target_kind="question", target_id=world["question"].pk)
    assert ModerationAction.objects.filter(kind="dismiss").count() == 1  # the refused second one left no row


# --- Suspend ----------------------------------------------------------------------------
@pytest.fixture
def bidding(db):
    """A real contractor with real bids: two open jobs, one in review (bidding closed), and an
    awarded contract; a rival bids on the first job too."""
    contractor = ContractorFactory(profile__business_name="Shady Siding")
    rival = ContractorFactory()
    owners = [HomeownerFactory(full_name=f"Owner {n}") for n in range(3)]
    jobs = [JobFactory(homeowner=owner, title=f"Job {n}") for n, owner in enumerate(owners)]
    bids = [bid_services.bid_place(actor=contractor, job=job, **_terms(50_000 + n * 1_111)) for n, job in enumerate(jobs)]
    rival_bid = bid_services.bid_place(actor=rival, job=jobs[0], **_terms(61_000))
    job_services.job_close_bidding(actor=owners[2], job=jobs[2])
    awarded = contract_for(contractor=contractor, title="Already hired")
    return {"contractor": contractor, "rival_bid": rival_bid, "owners": owners, "jobs": jobs, "bids": bids,
            "awarded": awarded}


def test_suspending_a_contractor_withdraws_open_bids_and_tells_both_sides(bidding, staff_user):
    contractor = bidding["contractor"]
    action = services.user_suspend(actor=staff_user, user_id=contractor.pk, reason="Asked homeowners to pay by wire.")
    assert action.details["bids_withdrawn"] == 3
    contractor.refresh_from_db()
    assert contractor.suspended_at is not None and contractor.suspension_reason == "Asked homeowners to pay by wire."
    assert {b.status for b in Bid.objects.filter(pk__in=[b.pk for b in bidding["bids"]])} == {"withdrawn"}
    assert Bid.objects.get(pk=bidding["awarded"].bid_id).status == "accepted"  # the hired work is not undone
    assert Bid.objects.get(pk=bidding["rival_bid"].pk).status == "active"

    told = Notification.objects.get(recipient=contractor, event="account.suspended")
    assert "Asked homeowners to pay by wire." in told.body and "3 open bids were withdrawn" in told.body
    for owner, left in zip(bidding["owners"], (1, 0, 0), strict=True):
        note = Notification.objects.get(recipient=owner, event="bid.withdrawn_by_moderators")
        assert f"You now have {left} live bid" in note.body
        email = NotificationDelivery.objects.get(notification=note, channel="email")
        # Never whose bid or how much.
        for text in (note.title, note.body, email.body_text, email.body_html):
            assert "Shady Siding" not in text and "500.00" not in text and "511.11" not in text and "522.22" not in text
    assert AuditLog.objects.filter(action="bid.withdrawn_by_moderators").count() == 3
    assert AuditLog.objects.filter(action="account.suspended", target_id=str(contractor.pk)).exists()
    assert AuditLog.objects.get(action="moderation.user_suspended").data["bids_withdrawn"] == 3
    with pytest.raises(InvalidState, match="already suspended"):
        services.user_suspend(actor=staff_user, user_id=contractor.pk, reason="Again")


def test_a_suspended_account_cannot_act(bidding, staff_user, world):
    contractor = bidding["contractor"]
    services.user_suspend(actor=staff_user, user_id=contractor.pk, reason="Fraud.")
    contractor.refresh_from_db()
    fresh_job = JobFactory()
    with pytest.raises(PermissionDenied) as refused:
        bid_services.bid_place(actor=contractor, job=fresh_job, **_terms(40_000))
    assert refused.value.code == "account_suspended" and "suspended: Fraud." in refused.value.message
    with pytest.raises(PermissionDenied):
        job_services.question_ask(actor=contractor, job=fresh_job, body="When can I start?")
    with pytest.raises(PermissionDenied):
        message_services.message_post(actor=contractor, contract_id=bidding["awarded"].pk, body="Hello")
    # A homeowner suspended cannot post or publish jobs either.
    owner = world["people"]["owner"]
    services.user_suspend(actor=staff_user, user_id=owner.pk, reason="Fake jobs.")
    owner.refresh_from_db()
    with pytest.raises(PermissionDenied):
        job_services.job_create(actor=owner, title="Another fake job", description="x" * 30,
                                category="plumbing", zip_code="78701", budget_min_cents=10_000,
                                budget_max_cents=20_000, desired_start=timezone.localdate() + timedelta(days=9),
                                bidding_deadline=timezone.now() + timedelta(days=5))


def test_the_suspension_is_checked_against_the_database_not_a_stale_session(bidding, staff_user):
    contractor = bidding["contractor"]
    stale = type(contractor).objects.get(pk=contractor.pk)  # loaded before the suspension, like a request's user
    services.user_suspend(actor=staff_user, user_id=contractor.pk, reason="Fraud.")
    with pytest.raises(PermissionDenied, match="suspended"):
        bid_services.bid_place(actor=stale, job=JobFactory(), **_terms(40_000))


def test_lifting_a_suspension(bidding, staff_user):
    contractor = bidding["contractor"]
    services.user_suspend(actor=staff_user, user_id=contractor.pk, reason="Fraud.")
    services.user_unsuspend(actor=staff_user, user_id=contractor.pk, note="Cleared after a call.")
    contractor.refresh_from_db()
    assert contractor.suspended_at is None and contractor.suspension_reason == ""
    assert "Cleared after a call." in Notification.objects.get(recipient=contractor, event="account.reinstated").body
    assert AuditLog.objects.filter(action="account.unsuspended").exists()
    assert bid_services.bid_place(actor=contractor, job=JobFactory(), **_terms(40_000)).status == "active"
    assert Bid.objects.get(pk=bidding["bids"][0].pk).status == "withdrawn"  # withdrawn bids stay withdrawn
    with pytest.raises(InvalidState, match="not suspended"):
        services.user_unsuspend(actor=staff_user, user_id=contractor.pk)


def test_staff_and_oneself_are_not_suspended_here(staff_user):
    with pytest.raises(InvalidState):
        services.user_suspend(actor=staff_user, user_id=staff_user.pk, reason="x")
    with pytest.raises(InvalidState):
        services.user_suspend(actor=staff_user, user_id=StaffFactory().pk, reason="x")
