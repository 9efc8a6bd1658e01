"""Two-sided, double-blind reviews.

submitted (hidden) -> published (both parties reviewed, or the 14-day window closed)
-> hidden by staff (with a reason kept and shown as "removed by staff: reason").
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.models import BaseModel

REVIEW_WINDOW = timedelta(days=14)


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted (hidden until both are in)"
    PUBLISHED = "published", "Published"
    HIDDEN = "hidden", "Removed by staff"


class Review(BaseModel):
    Status = ReviewStatus
    TRANSITIONS = {
        Status.SUBMITTED: {Status.PUBLISHED, Status.HIDDEN},
        Status.PUBLISHED: {Status.HIDDEN},
        Status.HIDDEN: set(),
    }
    PUBLIC = (Status.PUBLISHED, Status.HIDDEN)

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_written")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_received")
    author_role = models.CharField(max_length=20)  # homeowner | contractor, at the time of writing
    rating = models.PositiveSmallIntegerField()
    body = models.TextField(max_length=2000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    window_closes_at = models.DateTimeField()
    # The contract ended in a dispute that was decided or settled: the review says so.
    after_dispute = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    reply_body = models.TextField(max_length=2000, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=500, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["subject", "status", "-published_at"], name="review_subject_idx"),
            models.Index(fields=["status", "window_closes_at"], name="review_publish_due_idx"),
            models.Index(fields=["contract"], name="review_contract_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["contract", "author"], name="review_one_per_party_per_contract"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_range"),
            models.CheckConstraint(condition=~Q(author=F("subject")), name="review_not_self"),
            models.CheckConstraint(condition=Q(status__in=ReviewStatus.values), name="review_status_valid"),
            models.CheckConstraint(condition=~Q(status="hidden") | ~Q(hidden_reason=""), name="review_hidden_has_reason"),
        ]

    def __str__(self):
        return f"Review {str(self.pk)[:8]} ({self.rating}/5, {self.status})"
