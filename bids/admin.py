from django.contrib import admin

from core.money import format_cents

from .models import Bid, BidMilestone, BidRevision
from .selectors import bids_visible_to


class BidMilestoneInline(admin.TabularInline):
    model = BidMilestone
    extra = 0
    fields = ("position", "title", "amount_cents")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class BidRevisionInline(admin.TabularInline):
    model = BidRevision
    extra = 0
    fields = ("number", "amount_cents", "estimated_days", "proposed_start", "milestones", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bid)
class BidAdmin(admin.ModelAdmin):
    """Read-only: bids change only through the services. Amounts are visible to staff."""

    list_display = ("short_id", "job", "contractor", "amount", "estimated_days", "status", "revision_count", "created_at")
    list_filter = ("status", "job__status", "job__category")
    search_fields = ("=id", "job__title", "=job__id", "contractor__email", "contractor__contractor_profile__business_name")
    list_select_related = ("job", "contractor")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Bid._meta.fields]
    inlines = [BidMilestoneInline, BidRevisionInline]

    def get_queryset(self, request):
        # The same sealed-bid selector as pages and API (staff see every bid).
        return bids_visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Bid")
    def short_id(self, bid):
        return str(bid.pk)[:8]

    @admin.display(description="Amount", ordering="amount_cents")
    def amount(self, bid):
        return format_cents(bid.amount_cents, bid.currency)
