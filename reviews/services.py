"""Every review write: submit, publish (both in, or the window closed), reply, staff hide
(reports are the moderation app's, for every kind of content). Publication and the contractor's rating aggregates change in one transaction."""

import logging
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone

import audit
from accounts.models import ContractorProfile
from accounts.services import require_moderator, require_not_suspended
from contracts.models import Contract
from core import outbox
from core.exceptions import Conflict, InvalidState, PermissionDenied, ValidationFailed
from core.fsm import check_transition
from disputes.models import Dispute

from .models import REVIEW_WINDOW, Review

logger = logging.getLogger(__name__)
BODY_MAX = 2000


def review_window(contract: Contract, disputes=None) -> tuple | None:
    """(opens_at, closes_at, after_dispute) once the contract is completed or a dispute on it
    was resolved; None while there is nothing to review yet. `disputes`: the contract's
    disputes when the caller has them already (the contract page), saving a query."""
    if disputes is None:
        resolved = (Dispute.objects.filter(contract=contract, status=Dispute.Status.RESOLVED)
                    .order_by("-resolved_at").values_list("resolved_at", flat=True).first())
    else:
        resolved = max((d.resolved_at for d in disputes if d.status == Dispute.Status.RESOLVED and d.resolved_at),
                       default=None)
    opens = contract.completed_at if contract.status == Contract.Status.COMPLETED else resolved
    if opens is None:
        return None
    return opens, opens + REVIEW_WINDOW, resolved is not None


def _clean(rating, body) -> tuple[int, str]:
    errors = {}
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        errors["rating"] = ["Choose a rating from 1 to 5 stars."]
    body = (body or "").strip()
    if not body:
        errors["body"] = ["Write a few words about how it went."]
    elif len(body) > BODY_MAX:
        errors["body"] = [f"At most {BODY_MAX} characters."]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    return rating, body


def _notify_later(review: Review) -> None:
    def go():
        from notifications import notify

        url = (reverse("directory:profile", args=[review.subject_id]) if review.author_role == "homeowner"
               else reverse("reviews:user", args=[review.subject_id]))
        try:
            notify("review.received", [review.subject], {
                "job_title": review.contract.job.title, "reviewer_name": review.author.display_name,
                "rating": review.rating, "url": url}, review, key=f"review:{review.pk}")
        except Exception:
            logger.exception("notify(review.received) failed for review %s", review.pk)

    transaction.on_commit(go)


def refresh_rating(user_id) -> None:
    """Recompute a contractor's aggregates from their public, not removed reviews. Called in
    the transaction that publishes or hides, with the profile row locked."""
    profile = ContractorProfile.objects.select_for_update().filter(user_id=user_id).first()
    if profile is None:
        return  # homeowners have no public rating
    stats = Review.objects.filter(subject_id=user_id, status=Review.Status.PUBLISHED).aggregate(
        avg=Avg("rating"), count=Count("pk"))
    profile.rating_count = stats["count"] or 0
    profile.rating_avg = (Decimal(str(stats["avg"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                          if stats["count"] else None)
    profile.save(update_fields=["rating_avg", "rating_count", "updated_at"])


def _publish(reviews, *, now) -> int:
    subjects = set()
    for review in reviews:
        check_transition(Review.TRANSITIONS, review.status, Review.Status.PUBLISHED, label="review")
        review.status = Review.Status.PUBLISHED
        review.published_at = now
        review.save(update_fields=["status", "published_at", "updated_at"])
        audit.record(None, "review.published", review, contract=str(review.contract_id))
        outbox.emit("review.published", review)
        subjects.add(review.subject_id)
        _notify_later(review)
    for subject_id in sorted(subjects, key=str):
        refresh_rating(subject_id)
    return len(reviews)


def review_submit(*, actor, contract_id, rating, body: str, request=None) -> Review:
    rating, body = _clean(rating, body)
    with transaction.atomic():
        # The contract lock serialises the two parties' submissions, so exactly one of them
        # sees the other's review and publishes both. of=("self",): the contract row only, the
        # joined job and users are read (core.locks).
        contract = Contract.objects.select_for_update(of=("self",)).select_related(
            "job", "homeowner", "contractor").get(pk=contract_id)
        if actor is None or actor.pk not in (contract.homeowner_id, contract.contractor_id):
            raise PermissionDenied("Only the homeowner and the contractor of this contract can review it.")
        require_not_suspended(actor)
        window = review_window(contract)
        if window is None:
            raise InvalidState("You can review once the contract is completed or its dispute is resolved.")
        opens, closes, after_dispute = window
        now = timezone.now()
        if now >= closes:
            raise InvalidState(f"The 14-day review window closed on {closes:%b %d, %Y}.")
        is_homeowner = actor.pk == contract.homeowner_id
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    contract=contract, author=actor, subject=contract.contractor if is_homeowner else contract.homeowner,
                    author_role="homeowner" if is_homeowner else "contractor", rating=rating, body=body,
                    window_closes_at=closes, after_dispute=after_dispute)
        except IntegrityError as exc:
            raise Conflict("You have already reviewed this contract; a review can be written only once.") from exc
        audit.record(actor, "review.submitted", review, request=request, contract=str(contract.pk), rating=rating)
        pending = list(Review.objects.select_for_update().select_related("contract__job", "author", "subject")
                       .filter(contract=contract, status=Review.Status.SUBMITTED))
        if len(pending) == 2:
            _publish(pending, now=now)
            review.refresh_from_db()
    return review


def reviews_publish_due(*, now=None) -> int:
    """The periodic task: reviews whose window closed without the other party's are published."""
    now = now or timezone.now()
    contract_ids = list(Review.objects.filter(status=Review.Status.SUBMITTED, window_closes_at__lte=now)
                        .values_list("contract_id", flat=True).distinct()[:500])
    published = 0
    for contract_id in contract_ids:
        with transaction.atomic():
            Contract.objects.select_for_update().get(pk=contract_id)
            due = list(Review.objects.select_for_update().select_related("contract__job", "author", "subject")
                       .filter(contract_id=contract_id, status=Review.Status.SUBMITTED, window_closes_at__lte=now))
            published += _publish(due, now=now)
    return published


def review_reply(*, actor, review_id, body: str, request=None) -> Review:
    body = (body or "").strip()
    if not body:
        raise ValidationFailed("Write your reply.", fields={"body": ["Write your reply."]})
    if len(body) > BODY_MAX:
        raise ValidationFailed(f"At most {BODY_MAX} characters.", fields={"body": [f"At most {BODY_MAX} characters."]})
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review_id)
        if actor is None or actor.pk != review.subject_id:
            raise PermissionDenied("Only the person reviewed can reply.")
        require_not_suspended(actor)
        if review.status != Review.Status.PUBLISHED:
            raise InvalidState("You can reply once the review is published.")
        if review.replied_at:
            raise Conflict("You have already replied to this review; a reply can be written only once.")
        review.reply_body = body
        review.replied_at = timezone.now()
        review.save(update_fields=["reply_body", "replied_at", "updated_at"])
        audit.record(actor, "review.replied", review, request=request)
    return review


def review_hide(*, actor, review_id, reason: str, request=None) -> Review:
    require_moderator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Give the reason: it is shown in place of the review.",
                               fields={"reason": ["Required."]})
    if len(reason) > 500:
        raise ValidationFailed("At most 500 characters.", fields={"reason": ["At most 500 characters."]})
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review_id)
        check_transition(Review.TRANSITIONS, review.status, Review.Status.HIDDEN, label="review")
        was = review.status
        now = timezone.now()
        review.status = Review.Status.HIDDEN
        review.hidden_reason = reason
        review.hidden_by = actor
        review.hidden_at = now
        review.published_at = review.published_at or now  # the removal notice is public from now on
        review.save()
        audit.record(actor, "review.hidden", review, request=request, reason=reason, previous_status=was)
        refresh_rating(review.subject_id)
    return review
