"""Staff admin for money. Everything is read-only: money moves only through services
(the retry actions below call them). Ledger and webhook events can never be edited."""

import json

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.exceptions import ApplicationError
from core.money import format_cents

from . import services
from .models import (
    LedgerEntry,
    LedgerTransaction,
    MilestoneEscrow,
    Payment,
    PayoutAccount,
    ReconciliationRun,
    Refund,
    Release,
    WebhookEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _cents(field):
    def show(obj):
        return format_cents(getattr(obj, field), getattr(obj, "currency", "usd"))

    show.short_description = field.replace("_cents", "").replace("_", " ")
    show.admin_order_field = field
    return show


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["id", "milestone", "payer", _cents("total_cents"), "status", "gateway", "succeeded_at", "disputed_at"]
    list_filter = ["status", "gateway"]
    search_fields = ["id", "payment_intent_id", "checkout_session_id", "charge_id", "payer__email"]
    list_select_related = ["milestone", "payer"]
    date_hierarchy = "created_at"


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = ["id", "milestone", "contractor", _cents("amount_cents"), "status", "attempts", "last_error",
                    "succeeded_at"]
    list_filter = ["status", "reason"]
    search_fields = ["id", "transfer_id", "destination", "contractor__email"]
    list_select_related = ["milestone", "contractor"]
    actions = ["retry_failed"]

    @admin.action(description="Retry the selected failed releases")
    def retry_failed(self, request, queryset):
        done = 0
        for release in queryset:
            try:
                services.release_retry(actor=request.user, release=release, request=request)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{release}: {exc.message}", messages.WARNING)
        if done:
            self.message_user(request, f"{done} release(s) queued again.", messages.SUCCESS)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["id", "milestone", "homeowner", _cents("amount_cents"), "status", "attempts", "last_error",
                    "succeeded_at"]
    list_filter = ["status"]
    search_fields = ["id", "refund_id", "homeowner__email"]
    list_select_related = ["milestone", "homeowner"]
    actions = ["retry_failed"]

    @admin.action(description="Retry the selected failed refunds")
    def retry_failed(self, request, queryset):
        for refund in queryset:
            try:
                services.refund_retry(actor=request.user, refund=refund, request=request)
            except ApplicationError as exc:
                self.message_user(request, f"{refund}: {exc.message}", messages.WARNING)


class EntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ["account", "amount_cents", "currency"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "key", "memo", "milestone"]
    list_filter = ["kind"]
    search_fields = ["key", "memo", "milestone__id"]
    inlines = [EntryInline]
    date_hierarchy = "created_at"


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "account", "amount_cents", "currency", "transaction"]
    list_filter = ["currency"]
    search_fields = ["account", "transaction__key"]
    list_select_related = ["transaction"]


@admin.register(MilestoneEscrow)
class MilestoneEscrowAdmin(ReadOnlyAdmin):
    list_display = ["milestone", _cents("held_cents"), _cents("reserved_cents"), _cents("funded_cents"),
                    _cents("released_cents"), _cents("refunded_cents")]
    list_select_related = ["milestone"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "type", "event_id", "status", "deliveries", "note"]
    list_filter = ["status", "type", "livemode"]
    search_fields = ["event_id", "type"]
    fields = ["event_id", "type", "status", "deliveries", "livemode", "api_version", "stripe_created", "processed_at",
              "note", "pretty_payload"]
    readonly_fields = fields

    @admin.display(description="payload")
    def pretty_payload(self, obj):
        return format_html("<pre style='white-space:pre-wrap;max-width:90ch'>{}</pre>",
                           json.dumps(obj.payload, indent=2, sort_keys=True))


@admin.register(PayoutAccount)
class PayoutAccountAdmin(ReadOnlyAdmin):
    list_display = ["user", "account_id", "gateway", "payouts_enabled", "details_submitted", "state_as_of"]
    list_filter = ["payouts_enabled", "gateway"]
    search_fields = ["account_id", "user__email"]
    list_select_related = ["user"]


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "ok", "remote_checked", "difference_count"]
    list_filter = ["ok"]
    fields = ["created_at", "finished_at", "ok", "remote_checked", "checked", "differences_pretty"]
    readonly_fields = fields
    change_list_template = "admin/payments/reconciliationrun/change_list.html"

    @admin.display(description="differences")
    def difference_count(self, obj):
        return len(obj.differences)

    @admin.display(description="differences")
    def differences_pretty(self, obj):
        return format_html("<pre style='white-space:pre-wrap'>{}</pre>", json.dumps(obj.differences, indent=2))

    def get_urls(self):
        return [
            path("report/", self.admin_site.admin_view(self.report_view), name="payments_reconciliation_report"),
            *super().get_urls(),
        ]

    def report_view(self, request):
        if request.method == "POST":
            run = services.reconcile()
            self.message_user(request, "Reconciliation finished: " + (
                "no differences." if run.ok else f"{len(run.differences)} difference(s)."),
                messages.SUCCESS if run.ok else messages.ERROR)
            return redirect(reverse("admin:payments_reconciliation_report"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Reconciliation report",
            "run": ReconciliationRun.objects.first(),
            "recent": ReconciliationRun.objects.all()[:10],
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/payments/reconciliation_report.html", context)
