"""Staff read the thread of a disputed contract here (read-only: staff never write in a
parties' thread; they write in the dispute). Threads of undisputed contracts are not listed."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.admin import ReadOnlyAdmin
from disputes.models import Dispute

from .models import Citation, Message


class DisputedFilter(admin.SimpleListFilter):
    title = "dispute"
    parameter_name = "dispute"

    def lookups(self, request, model_admin):
        return [("open", "Dispute open")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(Exists(Dispute.objects.filter(contract=OuterRef("contract"), status__in=Dispute.OPEN)))
        return queryset


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "contract_link", "author", "excerpt", "attachment_count"]
    list_filter = [DisputedFilter]
    search_fields = ["contract__id", "contract__job__title"]
    list_select_related = ["contract", "contract__job", "author"]
    fields = ["contract_link", "author", "created_at", "body", "files"]
    list_per_page = 100
    readonly_fields = fields
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        # Only threads of contracts that have (or had) a dispute.
        return (super().get_queryset(request)
                .filter(Exists(Dispute.objects.filter(contract=OuterRef("contract"))))
                .prefetch_related("attachments"))

    @admin.display(description="Contract")
    def contract_link(self, obj):
        return format_html('<a href="{}?contract__id__exact={}">{}</a>', reverse("admin:messaging_message_changelist"),
                           obj.contract_id, obj.contract.job.title)

    @admin.display(description="Message")
    def excerpt(self, obj):
        return (obj.body[:80] + "…") if len(obj.body) > 80 else obj.body

    @admin.display(description="Files")
    def attachment_count(self, obj):
        return len(obj.attachments.all())

    @admin.display(description="Attachments")
    def files(self, obj):
        # Opening a file needs a per-viewer link: the thread page on the site makes them.
        names = format_html_join(", ", "{}", ((item.original_name,) for item in obj.attachments.all()))
        return format_html('{} · <a href="{}">open the thread with its files</a>', names or "none",
                           reverse("messaging:thread", args=[obj.contract_id]))


@admin.register(Citation)
class CitationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "dispute", "message", "cited_by"]
    list_select_related = ["dispute", "message", "cited_by"]
