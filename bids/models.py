from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.models import BaseModel
from core.money import MAX_AMOUNT_CENTS

MAX_MILESTONES = 5


class BidStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    WITHDRAWN = "withdrawn", "Withdrawn"
    ACCEPTED = "accepted", "Accepted"
    NOT_SELECTED = "not_selected", "Not selected"


class Bid(BaseModel):
    Status = BidStatus

    # ARCHITECTURE.md: active -> withdrawn | accepted | not_selected. When a contract is
    # cancelled before any funding the job returns to `reviewing` so another bid can be
    # awarded: the accepted bid becomes not_selected and the not_selected bids active again.
    TRANSITIONS = {
        Status.ACTIVE: {Status.WITHDRAWN, Status.ACCEPTED, Status.NOT_SELECTED},
        Status.ACCEPTED: {Status.NOT_SELECTED},
        Status.NOT_SELECTED: {Status.ACTIVE},
        Status.WITHDRAWN: set(),
    }

    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="bids")
    contractor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bids")
    amount_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    estimated_days = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(730)])
    proposed_start = models.DateField()
    message = models.TextField(max_length=3000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    revision_count = models.PositiveIntegerField(default=0)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True, help_text="When accepted or not selected.")

    class Meta:
        ordering = ["amount_cents", "created_at"]
        indexes = [
            models.Index(fields=["contractor", "-created_at"], name="bid_contractor_created_idx"),
            models.Index(fields=["job", "status"], name="bid_job_status_idx"),
        ]
        constraints = [
            # One live bid per contractor per job; a withdrawn bid does not block a new one.
            models.UniqueConstraint(
                fields=["job", "contractor"], condition=~Q(status="withdrawn"), name="bid_one_per_contractor_per_job"
            ),
            # The award's last line of defence: never two accepted bids on one job.
            models.UniqueConstraint(fields=["job"], condition=Q(status="accepted"), name="bid_one_accepted_per_job"),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="bid_amount_positive"),
            models.CheckConstraint(condition=Q(amount_cents__lte=MAX_AMOUNT_CENTS), name="bid_amount_cap"),
            models.CheckConstraint(
                condition=Q(estimated_days__gte=1, estimated_days__lte=730), name="bid_estimated_days_range"
            ),
            models.CheckConstraint(condition=Q(status__in=BidStatus.values), name="bid_status_valid"),
        ]

    def __str__(self):
        return f"Bid {str(self.pk)[:8]} on {self.job_id}"


class BidMilestone(BaseModel):
    """One step of the bid's payment schedule; copied into contracts.Milestone on award."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    amount_cents = models.BigIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "position"], name="bidmilestone_position_unique"),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="bidmilestone_amount_positive"),
            models.CheckConstraint(condition=Q(amount_cents__lte=MAX_AMOUNT_CENTS), name="bidmilestone_amount_cap"),
            models.CheckConstraint(
                condition=Q(position__gte=1, position__lte=MAX_MILESTONES), name="bidmilestone_position_range"
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"


class BidRevision(BaseModel):
    """The terms a bid had before a revision: kept so the history can be audited."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    amount_cents = models.BigIntegerField()
    estimated_days = models.PositiveIntegerField()
    proposed_start = models.DateField()
    message = models.TextField(blank=True)
    milestones = models.JSONField(default=list, help_text='[{"title": ..., "amount_cents": ...}]')

    class Meta:
        ordering = ["bid", "number"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "number"], name="bidrevision_number_unique"),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="bidrevision_amount_positive"),
        ]

    def __str__(self):
        return f"Revision {self.number} of {self.bid_id}"
