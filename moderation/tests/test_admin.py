"""The staff queue in admin, with a staff client: oldest open report first, the content inline
with the number of reports on it, a fixed number of queries; the review page's decisions,
the confirmation pages of the irreversible ones, and who may use them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ContractorFactory, StaffFactory
from audit.models import AuditLog
from bids import services as bid_services
from bids.models import Bid
from jobs.tests.factories import JobFactory
from moderation import services
from moderation.models import Report
from notifications.models import Notification

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:moderation_report_changelist")


def _report(world, role, kind, **kwargs):
    report, _ = services.report_create(actor=world["people"][role], target_kind=kind,
                                       target_id=world["targets"][kind], reason=kwargs.pop("reason", "spam"), **kwargs)
    return report


def _age(report, days):
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_queue_oldest_first_with_content_and_counts(world, staff_user, client):
    newer = _report(world, "other_homeowner", "job")
    _report(world, "other_contractor", "job")
    older = _report(world, "party", "message", reason="off_platform_payment")
    _age(older, 3)
    handled = _report(world, "other_homeowner", "question")
    services.reports_dismiss(actor=staff_user, target_kind="question", target_id=world["question"].pk)
    client.force_login(staff_user)
    response = client.get(QUEUE)
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert rows[0].pk == older.pk and newer.pk in [r.pk for r in rows] and handled.pk not in [r.pk for r in rows]
    html = response.content.decode()
    assert "Pay me cash and skip the fee?" in html  # the reported message inline
    assert "3 days" in html
    counts = {r.pk: r._on_content for r in rows}
    assert counts[newer.pk] == 2 and counts[older.pk] == 1
    assert handled.pk in [r.pk for r in client.get(QUEUE + "?status=all").context["cl"].result_list]


def test_queue_query_count_does_not_grow_with_reports(world, staff_user, client, django_assert_num_queries):
    client.force_login(staff_user)
    _report(world, "other_homeowner", "job")
    _report(world, "other_homeowner", "profile")
    client.get(QUEUE)  # warm the session and content types
    with django_assert_num_queries(8) as first:
        client.get(QUEUE)
    # Many more, of every kind: still one query per kind of content, not one per row.
    for job in JobFactory.create_batch(8):
        services.report_create(actor=world["people"]["other_contractor"], target_kind="job", target_id=job.pk,
                               reason="spam")
    for role in ("other_contractor", "party", "bidder"):
        _report(world, role, "review")
    _report(world, "party", "message")
    _report(world, "owner", "question")
    # + one query each for the review, message and question kinds, + the messages' attachments.
    with django_assert_num_queries(len(first.captured_queries) + 4):
        response = client.get(QUEUE)
    assert len(response.context["cl"].result_list) == 15


def test_review_page_shows_everything_needed(world, staff_user, client):
    report = _report(world, "party", "message", reason="off_platform_payment", details="He wants cash.")
    client.force_login(staff_user)
    html = client.get(reverse("admin:moderation_report_change", args=[report.pk])).content.decode()
    for text in ("Pay me cash and skip the fee?", "He wants cash.", world["people"]["owner"].email,
                 "Asks for payment off the platform", "Remove it", "Warn the author", "Suspend the account",
                 "Nothing wrong"):
        assert text in html, text


def test_hide_goes_through_a_confirmation(world, staff_user, client):
    report = _report(world, "other_contractor", "job")
    client.force_login(staff_user)
    act = reverse("admin:moderation_report_act", args=[report.pk, "hide"])
    confirm = client.post(act, {"hide-reason": "Duplicate of another listing."})
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "What happens when you confirm" in html and "Duplicate of another listing." in html
    world["job"].refresh_from_db()
    assert world["job"].hidden_at is None  # nothing happened yet
    done = client.post(act, {"hide-reason": "Duplicate of another listing.", "confirmed": "1"})
    assert done.status_code == 302
    world["job"].refresh_from_db()
    assert world["job"].hidden_reason == "Duplicate of another listing."
    assert Report.objects.get(pk=report.pk).status == "actioned"


def test_suspend_confirmation_states_the_bids_it_withdraws(world, staff_user, client):
    bidder = world["people"]["bidder"]
    second = JobFactory(title="Fix the gutters")
    bid_services.bid_place(actor=bidder, job=second, amount_cents=30_000, estimated_days=2,
                           proposed_start=timezone.localdate() + timedelta(days=8))
    report = _report(world, "owner", "question", reason="fraud")
    client.force_login(staff_user)
    act = reverse("admin:moderation_report_act", args=[report.pk, "suspend"])
    confirm = client.post(act, {"suspend-reason": "Fake business."}).content.decode()
    assert "This withdraws 2 open bids" in confirm and "Fix the gutters" in confirm
    assert "43,210" not in confirm and "432.10" not in confirm  # staff confirm a count, not prices
    assert Bid.objects.filter(contractor=bidder, status="active").count() == 2
    assert client.post(act, {"suspend-reason": "Fake business.", "confirmed": "1"}).status_code == 302
    bidder.refresh_from_db()
    assert bidder.suspended_at and not Bid.objects.filter(contractor=bidder, status="active").exists()
    assert Notification.objects.filter(event="bid.withdrawn_by_moderators").count() == 2
    assert AuditLog.objects.filter(action="moderation.user_suspended", actor=staff_user).exists()


def test_warn_and_dismiss_are_one_step_and_need_a_reason_where_told(world, staff_user, client):
    report = _report(world, "other_homeowner", "review")
    client.force_login(staff_user)
    empty = client.post(reverse("admin:moderation_report_act", args=[report.pk, "warn"]), {"warn-reason": " "})
    assert empty.status_code == 400 and Report.objects.get(pk=report.pk).status == "open"
    assert client.post(reverse("admin:moderation_report_act", args=[report.pk, "warn"]),
                       {"warn-reason": "Describe the work."}).status_code == 302
    assert Notification.objects.filter(event="moderation.warning").count() == 1
    second = _report(world, "other_homeowner", "question")
    assert client.post(reverse("admin:moderation_report_act", args=[second.pk, "dismiss"]),
                       {"dismiss-note": ""}).status_code == 302
    assert Report.objects.get(pk=second.pk).status == "dismissed"


def test_staff_without_moderation_rights_see_no_queue_and_cannot_act(world, client):
    report = _report(world, "other_homeowner", "job")
    plain = StaffFactory(is_superuser=False)
    client.force_login(plain)
    assert client.get(QUEUE).status_code == 403
    client.post(reverse("admin:moderation_report_act", args=[report.pk, "warn"]), {"warn-reason": "x"})
    assert Report.objects.get(pk=report.pk).status == "open"
    # Moderators who may review reports but not suspend get no suspend form.
    plain.user_permissions.add(*Permission.objects.filter(codename__in=["view_report", "change_report"]))
    html = client.get(reverse("admin:moderation_report_change", args=[report.pk])).content.decode()
    assert "Warn the author" in html and "Suspend the account" not in html
    client.post(reverse("admin:moderation_report_act", args=[report.pk, "suspend"]),
                {"suspend-reason": "x", "confirmed": "1"})
    owner = world["people"]["owner"]
    owner.refresh_from_db()
    assert owner.suspended_at is None


def test_suspended_accounts_list_and_lift(staff_user, client):
    contractor = ContractorFactory()
    services.user_suspend(actor=staff_user, user_id=contractor.pk, reason="Spam bids.")
    client.force_login(staff_user)
    listing = client.get(reverse("admin:moderation_suspendedaccount_changelist")).content.decode()
    assert contractor.email in listing and "Spam bids." in listing
    page = reverse("admin:moderation_suspendedaccount_change", args=[contractor.pk])
    assert "Lift the suspension" in client.get(page).content.decode()
    assert client.post(page, {"lift-note": "Explained."}).status_code == 302
    contractor.refresh_from_db()
    assert contractor.suspended_at is None
    assert contractor.email not in client.get(reverse("admin:moderation_suspendedaccount_changelist")).content.decode()


def test_user_admin_shows_the_suspension_read_only(staff_user, client):
    contractor = ContractorFactory()
    services.user_suspend(actor=staff_user, user_id=contractor.pk, reason="Spam bids.")
    client.force_login(staff_user)
    page = client.get(reverse("admin:accounts_user_change", args=[contractor.pk])).content.decode()
    assert "Spam bids." in page and 'name="suspension_reason"' not in page
