"""Double-blind reviews: the window, publication, aggregates, reply, hide, report."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import Conflict, InvalidState, PermissionDenied, ValidationFailed
from reviews import services
from reviews.models import Review
from reviews.tasks import publish_due_task

from .helpers import completed_contract

pytestmark = pytest.mark.django_db


def _submit(contract, user, rating=5, body="Great work, on time."):
    return services.review_submit(actor=user, contract_id=contract.pk, rating=rating, body=body)


def test_hidden_until_both_then_published_with_aggregates(done, django_capture_on_commit_callbacks):
    first = _submit(done, done.homeowner, 4)
    assert first.status == "submitted" and first.published_at is None
    profile = done.contractor.contractor_profile
    profile.refresh_from_db()
    assert profile.rating_count == 0  # nothing public yet
    with django_capture_on_commit_callbacks(execute=True):
        second = _submit(done, done.contractor, 5, "Clear brief, paid promptly.")
    first.refresh_from_db()
    assert first.status == second.status == "published"
    assert first.published_at == second.published_at
    profile.refresh_from_db()
    assert (profile.rating_avg, profile.rating_count) == (Decimal("4.00"), 1)
    from notifications.models import Notification

    assert Notification.objects.filter(event="review.received").count() == 2


def test_one_review_per_party(done):
    _submit(done, done.homeowner)
    with pytest.raises(Conflict):
        _submit(done, done.homeowner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(contract=done, author=done.homeowner, subject=done.contractor, author_role="homeowner",
                              rating=3, body="x", window_closes_at=timezone.now())


@pytest.mark.parametrize("rating", [0, 6, "5", None, True])
def test_rating_range(done, rating):
    with pytest.raises(ValidationFailed):
        _submit(done, done.homeowner, rating)
    assert not Review.objects.exists()


def test_rating_constraint_in_database(done):
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(contract=done, author=done.homeowner, subject=done.contractor, author_role="homeowner",
                              rating=6, body="x", window_closes_at=timezone.now())


def test_not_before_completion_and_not_outsiders(homeowner, contractor, other_homeowner, simulated):
    from contracts.tests.factories import contract_for

    active = contract_for(homeowner=homeowner, contractor=contractor)
    with pytest.raises(InvalidState):
        _submit(active, homeowner)
    done = completed_contract(homeowner, contractor)
    with pytest.raises(PermissionDenied):
        _submit(done, other_homeowner)


def test_window_closes_after_14_days_and_task_publishes(homeowner, contractor, simulated):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        done = completed_contract(homeowner, contractor)
        review = _submit(done, done.homeowner, 2, "Late and messy.")
        assert review.window_closes_at == done.completed_at + timedelta(days=14)
        clock.shift(timedelta(days=13, hours=23))
        assert publish_due_task.apply().get() == 0
        clock.shift(timedelta(hours=1))
        with pytest.raises(InvalidState):
            _submit(done, done.contractor)  # too late
        assert services.reviews_publish_due() == 1
        review.refresh_from_db()
        assert review.status == "published"
        profile = contractor.contractor_profile
        profile.refresh_from_db()
        assert (profile.rating_avg, profile.rating_count) == (Decimal("2.00"), 1)
        assert services.reviews_publish_due() == 0


def test_dispute_resolution_opens_window_with_label(homeowner, contractor, simulated,
                                                   django_capture_on_commit_callbacks, staff_user):
    from contracts.tests.factories import contract_for
    from disputes import services as disputes
    from disputes.tests.helpers import disputed

    contract = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("One", 10_000), ("Two", 5_000)])
    dispute = disputed(contract)
    with django_capture_on_commit_callbacks(execute=True):
        disputes.dispute_resolve(actor=staff_user, dispute_id=dispute.pk, outcome="refund", reason="No-show.")
    contract.refresh_from_db()
    assert contract.status == "active"  # milestone two is still open, but the dispute was resolved
    review = _submit(contract, homeowner, 1, "Never finished.")
    assert review.after_dispute


def test_reply_once_and_hide(done, other_contractor, staff_user):
    review = _submit(done, done.homeowner, 3)
    with pytest.raises(InvalidState):
        services.review_reply(actor=done.contractor, review_id=review.pk, body="Thanks")  # not published yet
    _submit(done, done.contractor)
    with pytest.raises(PermissionDenied):
        services.review_reply(actor=done.homeowner, review_id=review.pk, body="me?")
    services.review_reply(actor=done.contractor, review_id=review.pk, body="Thanks, glad it worked out.")
    with pytest.raises(Conflict):
        services.review_reply(actor=done.contractor, review_id=review.pk, body="Again")
    with pytest.raises(PermissionDenied):
        services.review_hide(actor=other_contractor, review_id=review.pk, reason="x")
    with pytest.raises(ValidationFailed):
        services.review_hide(actor=staff_user, review_id=review.pk, reason=" ")
    services.review_hide(actor=staff_user, review_id=review.pk, reason="Contained personal data.")
    review.refresh_from_db()
    assert review.status == "hidden" and review.hidden_by == staff_user
    profile = done.contractor.contractor_profile
    profile.refresh_from_db()
    assert (profile.rating_avg, profile.rating_count) == (None, 0)  # removed reviews do not count
    from audit.models import AuditLog

    entry = AuditLog.objects.get(action="review.hidden")
    assert entry.actor == staff_user and entry.data["reason"] == "Contained personal data."
