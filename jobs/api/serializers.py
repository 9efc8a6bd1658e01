from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import api_datetime
from core.reversing import reverse_uuids
from jobs import selectors
from jobs.models import Category, Job, JobPhoto, Question


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["slug", "name"]


class PartySerializer(serializers.Serializer):
    """A person as others see them: id and display name, nothing private."""

    id = serializers.UUIDField(read_only=True)
    display_name = serializers.CharField(read_only=True)


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = JobPhoto
        fields = ["id", "url", "width", "height", "content_type", "size_bytes", "caption", "created_at"]

    def get_url(self, photo) -> str:
        return _photo_url(photo, self.context.get("request"))


def _photo_url(photo, request) -> str:
    # Served through the site (visibility checked there; S3 answers with a presigned redirect).
    url = reverse_uuids("jobs:photo", [photo.job_id, photo.pk])
    return request.build_absolute_uri(url) if request is not None else url


class JobSerializer(serializers.ModelSerializer):
    category = CategorySerializer(read_only=True)
    homeowner = PartySerializer(read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)
    bid_count = serializers.SerializerMethodField(help_text="Live bids; null for anyone but the owner and staff.")
    # Not read_only on purpose: drf-spectacular marks read-only fields `required`, and non-owners never
    # get this key (to_representation drops it). The serializer is output-only (writes use JobWriteSerializer).
    address = serializers.CharField(
        required=False, allow_null=True, help_text="Only for the owner, staff and the hired contractor; else absent."
    )
    distance_miles = serializers.SerializerMethodField(help_text="When filtered by zip.")
    removed_by_moderators = serializers.SerializerMethodField(
        help_text="The moderators' reason when the job was removed (only its owner and staff still see it); else null.")

    class Meta:
        model = Job
        fields = [
            "id", "title", "description", "category", "zip_code", "city", "state", "address",
            "budget_min_cents", "budget_max_cents", "currency", "desired_start", "bidding_deadline", "status",
            "bid_count", "photos", "created_at", "published_at", "homeowner", "distance_miles",
            "removed_by_moderators",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_removed_by_moderators(self, job):
        return job.hidden_reason if job.hidden_at else None

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_bid_count(self, job):
        if not selectors.can_see_bid_count(self._user(), job):
            return None
        total = getattr(job, "bid_total", None)
        return total if total is not None else job.bids.exclude(status="withdrawn").count()

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_miles(self, job):
        distance = getattr(job, "distance", None)
        return round(distance, 1) if distance is not None else None

    def to_representation(self, job):
        """Built by hand: walking the declared fields generically costs ~0.4 ms per job, most of
        a 20-job page's time. The declared fields above still drive the schema, and
        tests/test_api_representation.py pins this output to the generic one, key for key."""
        user, request = self._user(), self.context.get("request")
        data = {
            "id": str(job.pk), "title": job.title, "description": job.description,
            "category": {"slug": job.category.slug, "name": job.category.name},
            "zip_code": job.zip_code, "city": job.city, "state": job.state,
        }
        if selectors.can_see_address(user, job):
            data["address"] = job.address
        data.update({
            "budget_min_cents": job.budget_min_cents, "budget_max_cents": job.budget_max_cents,
            "currency": job.currency, "desired_start": job.desired_start.isoformat() if job.desired_start else None,
            "bidding_deadline": api_datetime(job.bidding_deadline), "status": job.status,
            "bid_count": self.get_bid_count(job),
            "photos": [
                {"id": str(photo.pk), "url": _photo_url(photo, request), "width": photo.width, "height": photo.height,
                 "content_type": photo.content_type, "size_bytes": photo.size_bytes, "caption": photo.caption,
                 "created_at": api_datetime(photo.created_at)}
                for photo in job.photos.all()
            ],
            "created_at": api_datetime(job.created_at), "published_at": api_datetime(job.published_at),
            "homeowner": {"id": str(job.homeowner.pk), "display_name": job.homeowner.display_name},
            "distance_miles": self.get_distance_miles(job),
            "removed_by_moderators": self.get_removed_by_moderators(job),
        })
        return data


class JobWriteSerializer(serializers.Serializer):
    """Types only: the rules (ranges, zip, deadline window) live in jobs.services."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=6000)
    category = serializers.SlugField(help_text="A category slug from GET /categories/.")
    zip_code = serializers.CharField(max_length=10)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    budget_min_cents = serializers.IntegerField()
    budget_max_cents = serializers.IntegerField()
    desired_start = serializers.DateField()
    bidding_deadline = serializers.DateTimeField(help_text="Between 1 and 30 days from today (UTC dates).")
    publish = serializers.BooleanField(required=False, default=False, help_text="true: open for bids at once.")


class JobPatchSerializer(JobWriteSerializer):
    publish = None


class QuestionSerializer(serializers.ModelSerializer):
    """Askers are never part of the output: every bidder gets the same information. A question
    removed by moderators reaches only its asker (body and answer blank, the reason instead) and staff."""

    removed_by_moderators = serializers.SerializerMethodField(
        help_text="The moderators' reason when the question was removed; else null.")

    class Meta:
        model = Question
        fields = ["id", "body", "answer", "answered_at", "created_at", "removed_by_moderators"]
        read_only_fields = ["answer", "answered_at", "created_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_removed_by_moderators(self, question):
        return question.hidden_reason if question.hidden_at else None

    def to_representation(self, question):
        data = super().to_representation(question)
        request = self.context.get("request")
        if question.hidden_at and not getattr(getattr(request, "user", None), "is_staff", False):
            data["body"], data["answer"] = "", ""
        return data


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=4000)


class PhotoUploadSerializer(serializers.Serializer):
    image = serializers.FileField(help_text="JPEG, PNG or WebP, at most 10 MB.")
    caption = serializers.CharField(max_length=140, required=False, allow_blank=True)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)
