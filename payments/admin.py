"""Staff admin for money. Everything is read-only: money moves only through services
(the retry actions below call them). Ledger and webhook events can never be edited."""

import json

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from core.exceptions import ApplicationError
from core.money import format_cents

from . import services
from .models import (
    Chargeback,
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


def _cents(field):
    def show(obj):
        return format_cents(getattr(obj, field), getattr(obj, "currency", "usd"))

    show.short_description = field.replace("_cents", "").replace("_", " ")
    show.admin_order_field = field
    return show


def _confirm(modeladmin, request, queryset, *, action, heading, lines, confirm_label, ask_note=False):
    """The confirmation page of a money action: states what will happen, then posts back."""
    return TemplateResponse(request, "admin/payments/confirm_action.html", {
        **modeladmin.admin_site.each_context(request), "title": heading, "heading": heading, "lines": lines,
        "queryset": queryset, "action": action, "confirm_label": confirm_label, "ask_note": ask_note,
        "opts": modeladmin.model._meta,
    })


class ChargebackInline(ReadOnlyInline):
    model = Chargeback
    fk_name = "payment"
    fields = ["dispute_id", "outcome", "stripe_status", "reason", "amount_cents", "withdrawn_cents",
              "reinstated_cents", "fees_cents", "lost_from_escrow_cents", "lost_from_fees_cents", "loss_cents",
              "recovery_cents", "recovered_cents", "evidence_due_by"]
    readonly_fields = fields
    verbose_name_plural = "card disputes (chargebacks)"


class PaymentRefundInline(ReadOnlyInline):
    model = Refund
    fk_name = "payment"
    fields = ["kind", "amount_cents", "status", "refund_id", "reason", "last_error", "succeeded_at"]
    readonly_fields = fields
    verbose_name_plural = "refunds (ours, fee and outside)"


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["id", "milestone", "payer", _cents("total_cents"), "status", "gateway", "succeeded_at",
                    "money_flags"]
    list_filter = ["status", "gateway", ("disputed_at", admin.EmptyFieldListFilter)]
    search_fields = ["id", "payment_intent_id", "checkout_session_id", "charge_id", "payer__email"]
    list_select_related = ["milestone", "payer"]
    date_hierarchy = "created_at"
    readonly_fields = ["escrow_state"]
    inlines = [ChargebackInline, PaymentRefundInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            open_chargebacks=Count("chargebacks", filter=Q(chargebacks__outcome="open"), distinct=True),
            lost_chargebacks=Count("chargebacks", filter=Q(chargebacks__outcome="lost"), distinct=True),
            outside_refunds=Count("refunds", filter=Q(refunds__kind="outside"), distinct=True))

    @admin.display(description="disputes / outside refunds")
    def money_flags(self, obj):
        flags = [(obj.open_chargebacks, "chargeback open"), (obj.lost_chargebacks, "chargeback lost"),
                 (obj.outside_refunds, "outside refund")]
        return ", ".join(f"{n} {label}" for n, label in flags if n) or "—"

    @admin.display(description="milestone escrow")
    def escrow_state(self, obj):
        escrow = MilestoneEscrow.objects.filter(milestone_id=obj.milestone_id).first()
        if escrow is None:
            return "No escrow yet."
        state = f"holds {format_cents(escrow.held_cents, escrow.currency)}"
        if escrow.reserved_cents:
            state += f" ({format_cents(escrow.reserved_cents, escrow.currency)} promised to a release or refund)"
        if escrow.frozen:
            state += f" · FROZEN since {escrow.frozen_at:%Y-%m-%d %H:%M}: {escrow.frozen_reason}"
        return state


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = ["id", "milestone", "contractor", _cents("amount_cents"), _cents("withheld_cents"), "status",
                    "attempts", "last_error", "succeeded_at"]
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
    list_display = ["id", "kind", "milestone", "homeowner", _cents("amount_cents"), "status", "attempts", "last_error",
                    "succeeded_at"]
    list_filter = ["status", "kind"]
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
                    _cents("released_cents"), _cents("refunded_cents"), "frozen_reason"]
    list_filter = [("frozen_at", admin.EmptyFieldListFilter)]
    list_select_related = ["milestone"]
    actions = ["unfreeze"]

    @admin.action(description="Unfreeze the selected escrows (releases and refunds may move again)")
    def unfreeze(self, request, queryset):
        frozen = queryset.exclude(frozen_at=None)
        if request.POST.get("confirmed") != "yes":
            lines = [f"Milestone {e.milestone}: {format_cents(e.held_cents, e.currency)} held, frozen because "
                     f"{e.frozen_reason}. Held releases are sent and new releases or refunds become possible."
                     for e in frozen]
            return _confirm(self, request, frozen, action="unfreeze", heading="Unfreeze escrow", lines=lines,
                            confirm_label="Yes, unfreeze", ask_note=True)
        for escrow in frozen:
            try:
                services.escrow_unfreeze_by_staff(actor=request.user, milestone_id=escrow.milestone_id,
                                                  note=request.POST.get("note", ""), request=request)
                self.message_user(request, f"Escrow of {escrow.milestone} unfrozen.", messages.SUCCESS)
            except ApplicationError as exc:
                self.message_user(request, f"{escrow.milestone}: {exc.message}", messages.ERROR)
        return None


@admin.register(Chargeback)
class ChargebackAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "dispute_id", "payment", "outcome", "stripe_status", _cents("amount_cents"),
                    _cents("loss_cents"), _cents("recovery_cents"), _cents("recovered_cents")]
    list_filter = ["outcome", "reason"]
    search_fields = ["dispute_id", "charge_id", "payment__payment_intent_id"]
    list_select_related = ["payment"]
    readonly_fields = [f.name for f in Chargeback._meta.fields]
    actions = ["start_recovery"]

    @admin.action(description="Recover the loss from the contractor's future payouts")
    def start_recovery(self, request, queryset):
        lost = queryset.filter(outcome=Chargeback.Outcome.LOST, loss_cents__gt=0, recovery_started_at=None)
        if not lost:
            self.message_user(request, "Only lost chargebacks with a platform loss and no recovery yet can be "
                              "recovered.", messages.WARNING)
            return None
        if request.POST.get("confirmed") != "yes":
            lines = [f"{c.dispute_id}: {format_cents(c.loss_cents, c.currency)} will be kept back from the "
                     f"contractor's next payouts (each payout shows it) and booked back from platform:losses."
                     for c in lost.select_related("milestone")]
            return _confirm(self, request, lost, action="start_recovery", heading="Recover lost chargebacks",
                            lines=lines, confirm_label="Yes, recover from future payouts")
        for chargeback in lost:
            try:
                services.chargeback_recovery_start(actor=request.user, chargeback_id=chargeback.pk, request=request)
                self.message_user(request, f"Recovery of {chargeback.dispute_id} started.", messages.SUCCESS)
            except ApplicationError as exc:
                self.message_user(request, f"{chargeback.dispute_id}: {exc.message}", messages.ERROR)
        return None


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    actions = ["apply_again"]
    list_display = ["created_at", "type", "event_id", "status", "deliveries", "note"]
    list_filter = ["status", "type", "livemode"]
    search_fields = ["event_id", "type"]
    fields = ["event_id", "type", "status", "deliveries", "livemode", "api_version", "stripe_created", "processed_at",
              "note", "pretty_payload"]
    readonly_fields = fields

    @admin.action(description="Apply the selected failed events again (once the cause is fixed)")
    def apply_again(self, request, queryset):
        for event in queryset.filter(status=WebhookEvent.Status.FAILED):
            event = services.webhook_apply(event.pk)
            level = messages.SUCCESS if event.status != WebhookEvent.Status.FAILED else messages.ERROR
            self.message_user(request, f"{event}: {event.get_status_display()} {event.note}", level)

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
