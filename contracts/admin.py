from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from core.money import format_cents

from .models import ChangeOrder, ChangeOrderItem, Contract, ContractVersion, EvidenceFile, Milestone, Submission


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("position", "title", "amount_cents", "fee_cents", "status", "funded_at", "submitted_at", "auto_approve_at", "released_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ChangeOrderInline(ReadOnlyInline):
    model = ChangeOrder
    fk_name = "contract"
    fields = ("number", "status", "proposed_by", "base_version", "reason", "new_start", "new_estimated_days",
              "decided_by", "decided_at", "decline_note")
    readonly_fields = fields
    show_change_link = True


class ContractVersionInline(ReadOnlyInline):
    model = ContractVersion
    fields = ("number", "change_order", "total_cents", "fee_total_cents", "start_on", "estimated_days", "milestones",
              "created_at")
    readonly_fields = fields


class ChangeOrderItemInline(ReadOnlyInline):
    model = ChangeOrderItem
    fields = ("kind", "milestone", "old_title", "old_amount_cents", "title", "amount_cents", "fee_cents")
    readonly_fields = fields


@admin.register(ChangeOrder)
class ChangeOrderAdmin(ReadOnlyAdmin):
    """Read-only: change orders are proposed and answered by the parties (services)."""

    list_display = ("number", "contract", "status", "proposed_by", "created_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("=contract__id", "contract__job__title")
    list_select_related = ("contract", "proposed_by")
    readonly_fields = [f.name for f in ChangeOrder._meta.fields]
    inlines = [ChangeOrderItemInline]


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    """Read-only: contracts move only through services (award, escrow, disputes)."""

    list_display = ("short_id", "job", "homeowner", "contractor", "total", "fee_bps", "status", "created_at")
    list_filter = ("status", "job__category")
    search_fields = ("=id", "job__title", "=job__id", "homeowner__email", "contractor__email", "contractor__contractor_profile__business_name")
    list_select_related = ("job", "homeowner", "contractor")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Contract._meta.fields]
    inlines = [MilestoneInline, ChangeOrderInline, ContractVersionInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Contract")
    def short_id(self, contract):
        return str(contract.pk)[:8]

    @admin.display(description="Total", ordering="total_cents")
    def total(self, contract):
        return format_cents(contract.total_cents, contract.currency)


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("title", "contract", "position", "amount", "fee_cents", "status", "funded_at", "auto_approve_at", "released_at")
    list_filter = ("status",)
    search_fields = ("title", "=contract__id", "contract__job__title")
    list_select_related = ("contract",)
    readonly_fields = [f.name for f in Milestone._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Amount", ordering="amount_cents")
    def amount(self, milestone):
        return format_cents(milestone.amount_cents)


class EvidenceInline(admin.TabularInline):
    model = EvidenceFile
    fields = ["original_name", "kind", "content_type", "size_bytes", "sha256"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    """Read-only: a submission is immutable once made."""

    list_display = ["created_at", "milestone", "contractor", "changes_requested_at"]
    list_select_related = ["milestone", "contractor"]
    inlines = [EvidenceInline]
