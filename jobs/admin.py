from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html

from contracts import services as contract_services
from core.exceptions import ApplicationError
from core.money import format_cents

from .models import Category, Job, JobPhoto, Question


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class JobPhotoInline(admin.TabularInline):
    model = JobPhoto
    extra = 0
    fields = ("preview", "content_type", "width", "height", "size_bytes", "caption", "created_at")
    readonly_fields = fields
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the service (content checks, EXIF stripping)

    @admin.display(description="Photo")
    def preview(self, photo):
        return format_html('<img src="{}" alt="" height="80">', reverse("jobs:photo", args=[photo.job_id, photo.pk]))


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ("body", "answer", "asked_by", "hidden_reason", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Staff see everything; status changes go through the services (actions), never the form."""

    list_display = ("title", "homeowner", "category", "city", "zip_code", "budget", "status", "live_bids", "bidding_deadline", "created_at")
    list_filter = ("status", "category", "state", ("created_at", admin.DateFieldListFilter))
    search_fields = ("title", "description", "zip_code", "city", "homeowner__email", "homeowner__full_name", "=id")
    date_hierarchy = "created_at"
    list_select_related = ("homeowner", "category")
    raw_id_fields = ("homeowner",)
    readonly_fields = (
        "id", "homeowner", "status", "city", "state", "latitude", "longitude", "published_at", "bidding_closed_at",
        "awarded_at", "cancelled_at", "hidden_at", "hidden_reason", "created_at", "updated_at",
    )
    fields = (
        "id", "homeowner", "status", "title", "description", "category", "zip_code", "city", "state", "address",
        "budget_min_cents", "budget_max_cents", "currency", "desired_start", "bidding_deadline", "published_at",
        "bidding_closed_at", "awarded_at", "cancelled_at", "hidden_at", "hidden_reason", "created_at", "updated_at",
    )
    inlines = [JobPhotoInline, QuestionInline]
    actions = ["cancel_jobs"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            _live_bids=Count("bids", filter=~Q(bids__status="withdrawn"), distinct=True)
        )

    def has_add_permission(self, request):
        return False  # jobs are posted by homeowners through the site or API

    def has_change_permission(self, request, obj=None):
        # Editing terms after bids arrived would change what bidders bid on.
        return super().has_change_permission(request, obj) and (obj is None or obj.status == Job.Status.DRAFT)

    @admin.display(description="Budget")
    def budget(self, job):
        return f"{format_cents(job.budget_min_cents)} – {format_cents(job.budget_max_cents)}"

    @admin.display(description="Bids", ordering="_live_bids")
    def live_bids(self, job):
        return job._live_bids

    @admin.action(description="Cancel selected jobs (moderation)")
    def cancel_jobs(self, request, queryset):
        done = 0
        for job in queryset:
            try:
                contract_services.job_cancel(actor=request.user, job=job, reason="Cancelled by staff", request=request)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{job.title}: {exc.message}", messages.WARNING)
        if done:
            self.message_user(request, f"Cancelled {done} job(s).", messages.SUCCESS)


@admin.register(JobPhoto)
class JobPhotoAdmin(admin.ModelAdmin):
    list_display = ("id", "job", "content_type", "width", "height", "size_bytes", "created_at")
    list_filter = ("content_type",)
    search_fields = ("job__title", "=job__id")
    list_select_related = ("job",)
    readonly_fields = ("job", "image", "content_type", "width", "height", "size_bytes", "position", "created_at")

    def has_add_permission(self, request):
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """Read-only: removing a question is a moderation action (admin → Reports), which goes
    through jobs.services.question_hide with a reason and an audit entry."""

    list_display = ("short_body", "job", "asked_by", "answered", "removed", "created_at")
    list_filter = (("hidden_at", admin.EmptyFieldListFilter), ("answered_at", admin.EmptyFieldListFilter))
    search_fields = ("body", "answer", "job__title", "asked_by__email")
    list_select_related = ("job", "asked_by")
    readonly_fields = ("job", "asked_by", "body", "answer", "answered_at", "hidden_at", "hidden_reason", "created_at")

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description="Removed by moderators")
    def removed(self, question):
        return question.hidden_at is not None

    def has_add_permission(self, request):
        return False

    @admin.display(description="Question")
    def short_body(self, question):
        return question.body[:80]

    @admin.display(boolean=True, description="Answered")
    def answered(self, question):
        return question.answered_at is not None
