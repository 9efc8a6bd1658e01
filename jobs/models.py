import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q

from core.models import BaseModel, Hideable, hidden_has_reason
from core.money import MAX_AMOUNT_CENTS


class Category(models.Model):
    """A trade. Rows are data (seeded by a migration) so staff can add trades in admin."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class JobStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for bids"
    REVIEWING = "reviewing", "Reviewing bids"
    AWARDED = "awarded", "Awarded"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Job(BaseModel, Hideable):
    Status = JobStatus

    # ARCHITECTURE.md "The lifecycle". Two additions, both explained:
    # - open -> draft: the bidding deadline passed with no bids; the job goes back to the
    #   homeowner (who can set a new deadline and publish again) instead of sitting on the board.
    # - awarded -> reviewing: the contract was cancelled before any funding; the homeowner may
    #   award another bid.
    TRANSITIONS = {
        Status.DRAFT: {Status.OPEN, Status.CANCELLED},
        Status.OPEN: {Status.REVIEWING, Status.CANCELLED, Status.DRAFT},
        Status.REVIEWING: {Status.AWARDED, Status.CANCELLED},
        Status.AWARDED: {Status.COMPLETED, Status.CANCELLED, Status.REVIEWING},
        Status.COMPLETED: set(),
        Status.CANCELLED: set(),
    }

    homeowner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs")
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=5000)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="jobs")
    zip_code = models.CharField(max_length=5)
    # Derived from zip_code (core.geo) when the job is saved by the service; never from input.
    city = models.CharField(max_length=80)
    state = models.CharField(max_length=2)
    latitude = models.FloatField()
    longitude = models.FloatField()
    # Only the owner and the awarded contractor ever see the street address.
    address = models.CharField(max_length=200, blank=True)
    budget_min_cents = models.BigIntegerField()
    budget_max_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    desired_start = models.DateField()
    bidding_deadline = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    bidding_closed_at = models.DateTimeField(null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Hideable (hidden_at, hidden_reason) — removed by moderators (moderation app, through services.job_hide): gone from the board,
    # the page and the API for everyone but its owner (who sees why) and staff. Its status
    # does not change: staff cancel a job separately.

    # Maintained by jobs.search on PostgreSQL (weighted title + description); null on SQLite,
    # where the board falls back to icontains.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="job_status_published_idx"),
            models.Index(fields=["status", "bidding_deadline"], name="job_status_deadline_idx"),
            models.Index(fields=["status", "budget_max_cents"], name="job_status_budget_idx"),
            models.Index(fields=["status", "category"], name="job_status_category_idx"),
            models.Index(fields=["homeowner", "status"], name="job_homeowner_status_idx"),
            # Bounding-box prefilter of the distance filter, on open jobs only. It also carries
            # every column the board filters and sorts on within the box, so the page's ids come
            # from an index-only scan (core.pagination.CappedPaginator); checked with EXPLAIN
            # ANALYZE on 100,000 jobs (README, Performance). Jobs removed by moderators are left
            # out of the index as they are out of the board, so the board's
            # `status = 'open' AND hidden_at IS NULL` still matches the predicate.
            models.Index(
                fields=["latitude", "longitude"], name="job_open_geo_cover_idx",
                condition=Q(status="open", hidden_at__isnull=True),
                include=["id", "published_at", "created_at", "category", "budget_min_cents", "budget_max_cents"],
            ),
            GinIndex(fields=["search_vector"], name="job_search_gin_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(budget_min_cents__gt=0), name="job_budget_min_positive"),
            models.CheckConstraint(
                condition=Q(budget_max_cents__gte=models.F("budget_min_cents")), name="job_budget_max_gte_min"
            ),
            models.CheckConstraint(condition=Q(budget_max_cents__lte=MAX_AMOUNT_CENTS), name="job_budget_max_cap"),
            models.CheckConstraint(condition=Q(status__in=JobStatus.values), name="job_status_valid"),
            models.CheckConstraint(condition=~Q(currency=""), name="job_currency_set"),
            hidden_has_reason("job_hidden_has_reason"),
        ]

    def __str__(self):
        return self.title

    @classmethod
    def from_db(cls, db, field_names, values):
        job = super().from_db(db, field_names, values)
        # The status as read, so a save can tell whether the job was on the board before
        # (jobs.signals: saving a draft that stays a draft leaves the board's pages cached).
        job._status_as_loaded = job.__dict__.get("status")
        return job

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    @property
    def bids_sealed(self):
        """While open (or still a draft) nobody but each bidder sees a bid."""
        return self.status in (self.Status.DRAFT, self.Status.OPEN)


def job_photo_path(instance, filename):
    # Random key: photo URLs must not be guessable from the job id or the original name.
    ext = PurePosixPath(filename).suffix.lower() or ".jpg"
    return f"jobs/{instance.job_id}/{uuid.uuid4().hex}{ext}"


class JobPhoto(BaseModel):
    MAX_PER_JOB = 10
    MAX_BYTES = 10 * 1024 * 1024
    # 25 MP: above a phone's default photo (12-24 MP); decoding is the cost of a check, and
    # 40 MP of zeros (116 KB as PNG) took 4.5 s of CPU (issue 12).
    MAX_PIXELS = 25_000_000

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=job_photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField(default=0)
    caption = models.CharField(max_length=140, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=["image/jpeg", "image/png", "image/webp"]), name="jobphoto_type_valid"
            ),
        ]

    def __str__(self):
        return f"Photo of {self.job_id}"


class Question(BaseModel, Hideable):
    """Public Q&A. The asker is stored for moderation only and never shown to anyone but staff."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=1000)
    answer = models.TextField(max_length=2000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Hideable (hidden_at, hidden_reason) — removed by moderators (services.question_hide): shown to nobody but its asker (with the
    # reason) and staff.

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["job", "created_at"], name="question_job_created_idx")]
        constraints = [hidden_has_reason("question_hidden_has_reason")]

    def __str__(self):
        return self.body[:60]
