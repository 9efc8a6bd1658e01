"""Staff mediation: a dispute list with filters and one page per dispute showing the
contract, milestone, both sides' messages and evidence (with the completion submission),
offers, internal notes and the audit trail, with actions that call the same services."""

from django.contrib import admin, messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from audit.models import AuditLog
from contracts.models import Submission
from core import once
from core.exceptions import ApplicationError, InvalidState
from core.money import format_cents
from payments import services as money

from . import services
from .forms import MessageForm, ResolveForm, StaffNoteForm, StaffOfferForm
from .models import Dispute

OPEN = list(Dispute.OPEN)


class OverdueFilter(admin.SimpleListFilter):
    title = "deadline"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue (step ran out)"), ("soon", "Due within 24 hours"), ("mediation", "Waiting for staff")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(status__in=OPEN, deadline_at__lte=now)
        if self.value() == "soon":
            return queryset.filter(status__in=OPEN, deadline_at__gt=now, deadline_at__lte=now + timezone.timedelta(days=1))
        if self.value() == "mediation":
            return queryset.filter(status=Dispute.Status.MEDIATION)
        return queryset


class AmountFilter(admin.SimpleListFilter):
    title = "amount"
    parameter_name = "amount"
    RANGES = {"lt500": (0, 50_000), "500-2500": (50_000, 250_000), "2500-10000": (250_000, 1_000_000),
              "gte10000": (1_000_000, None)}

    def lookups(self, request, model_admin):
        return [("lt500", "Under $500"), ("500-2500", "$500 – $2,500"), ("2500-10000", "$2,500 – $10,000"),
                ("gte10000", "$10,000 and more")]

    def queryset(self, request, queryset):
        if self.value() not in self.RANGES:
            return queryset
        low, high = self.RANGES[self.value()]
        q = Q(amount_cents__gte=low)
        if high is not None:
            q &= Q(amount_cents__lt=high)
        return queryset.filter(q)


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ("short_id", "job", "status", "amount", "deadline", "reason", "created_at")
    list_filter = ("status", OverdueFilter, AmountFilter, "reason", "outcome")
    search_fields = ("=id", "contract__job__title", "contract__homeowner__email", "contract__contractor__email")
    list_select_related = ("contract__job",)
    ordering = ("-created_at",)
    list_per_page = 50

    def has_add_permission(self, request):
        return False  # parties open disputes; staff decide them

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="dispute")
    def short_id(self, obj):
        return str(obj.pk)[:8]

    @admin.display(description="job", ordering="contract__job__title")
    def job(self, obj):
        return obj.contract.job.title

    @admin.display(description="amount", ordering="amount_cents")
    def amount(self, obj):
        return format_cents(obj.amount_cents)

    @admin.display(description="deadline", ordering="deadline_at")
    def deadline(self, obj):
        if not obj.deadline_at:
            return "—"
        if obj.deadline_at <= timezone.now():
            return format_html('<strong class="overdue">overdue since {}</strong>', obj.deadline_at.strftime("%b %d"))
        return obj.deadline_at.strftime("%b %d %H:%M")

    def get_urls(self):
        return [path("<uuid:object_id>/act/<str:action>/", self.admin_site.admin_view(self.act),
                     name="disputes_dispute_act"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            return super().change_view(request, object_id, form_url, extra_context)
        return self._page(request, object_id)

    def _page(self, request, object_id, **forms):
        dispute = get_object_or_404(
            Dispute.objects.select_related("contract__job", "contract__homeowner", "contract__contractor", "milestone",
                                           "opened_by", "resolved_by", "escalated_by"), pk=object_id)
        submissions = (Submission.objects.filter(milestone=dispute.milestone).select_related("contractor")
                       .prefetch_related("files").order_by("created_at"))
        from contracts.views import evidence_url

        submission_rows = [(s, [(f, evidence_url(f, request.user)) for f in s.files.all()]) for s in submissions]
        audit_trail = AuditLog.objects.filter(
            Q(target_type="disputes.dispute", target_id=str(dispute.pk))
            | Q(target_type="contracts.milestone", target_id=str(dispute.milestone_id))).select_related("actor")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta, "original": dispute, "dispute": dispute, "title": f"Mediate {dispute}",
            "has_view_permission": True,
            "messages_list": dispute.messages.select_related("author").prefetch_related("files"),
            "opening_files": dispute.files.filter(message__isnull=True),
            "offers": dispute.offers.select_related("made_by", "decided_by"),
            "notes": dispute.staff_notes.select_related("author"),
            "events": dispute.events.select_related("actor"),
            "submissions": submission_rows,
            "audit_trail": audit_trail[:200],
            "fee_refund": dispute.fee_refund,
            "message_form": forms.get("message_form") or MessageForm(prefix="msg"),
            "note_form": forms.get("note_form") or StaffNoteForm(prefix="note"),
            "offer_form": forms.get("offer_form") or StaffOfferForm(prefix="offer"),
            "resolve_form": forms.get("resolve_form") or ResolveForm(prefix="decide"),
            "can_change": self.has_change_permission(request, dispute),
        }
        return TemplateResponse(request, "admin/disputes/dispute/mediate.html", context)

    def _confirm_decision(self, request, dispute, data):
        """Staff see exactly where the money goes before it moves; confirming re-posts the form."""
        from payments import settlement

        contractor = services.decision_contractor_cents(dispute, data["outcome"], data.get("contractor_amount"))
        refund = dispute.amount_cents - contractor
        milestone = dispute.milestone
        fee_back = settlement.fee_refund_cents(milestone=milestone, payment=settlement.succeeded_payment(milestone),
                                               refund_cents=refund)
        hidden = [(key, value) for key, value in request.POST.items() if key.startswith("decide-")]
        context = {
            **self.admin_site.each_context(request), "title": "Confirm the decision", "dispute": dispute,
            "milestone": milestone, "outcome": Dispute.Outcome(data["outcome"]).label, "reason": data["reason"],
            "contractor_cents": contractor, "refund_cents": refund, "fee_back_cents": fee_back, "hidden": hidden,
            "action_url": reverse("admin:disputes_dispute_act", args=[dispute.pk, "decide"]),
            "back_url": reverse("admin:disputes_dispute_change", args=[dispute.pk]),
        }
        return TemplateResponse(request, "admin/disputes/dispute/confirm_decide.html", context)

    def act(self, request, object_id, action):
        if request.method != "POST" or not self.has_change_permission(request):
            return redirect(reverse("admin:disputes_dispute_change", args=[object_id]))
        dispute = get_object_or_404(Dispute, pk=object_id)
        actor = request.user
        handlers = {
            "message": (MessageForm, "msg", lambda d: services.message_post(
                actor=actor, dispute_id=dispute.pk, body=d["body"], files=d["files"], request=request),
                "Message posted; both parties can read it."),
            "note": (StaffNoteForm, "note", lambda d: services.staff_note_add(
                actor=actor, dispute_id=dispute.pk, body=d["body"], request=request), "Internal note added."),
            "offer": (StaffOfferForm, "offer", lambda d: services.offer_make(
                actor=actor, dispute_id=dispute.pk, contractor_amount_cents=d["contractor_amount"], note=d["note"],
                request=request), "Proposal sent to both parties; it settles the dispute once both accept."),
            "decide": (ResolveForm, "decide", lambda d: services.dispute_resolve(
                actor=actor, dispute_id=dispute.pk, outcome=d["outcome"], reason=d["reason"],
                contractor_amount_cents=d.get("contractor_amount"), request=request),
                "Decided. The money moves through escrow now; both parties are told."),
        }
        if action == "retry_fee_refund":
            try:
                if dispute.fee_refund is None:
                    raise InvalidState("There is no fee refund to retry.")
                money.refund_retry(actor=actor, refund=dispute.fee_refund, request=request)
                messages.success(request, "Fee refund queued again.")
            except ApplicationError as exc:
                messages.error(request, exc.message)
            return redirect(reverse("admin:disputes_dispute_change", args=[object_id]))
        if action not in handlers:
            return redirect(reverse("admin:disputes_dispute_change", args=[object_id]))
        form_class, prefix, call, success = handlers[action]
        form = form_class(request.POST, request.FILES, prefix=prefix)
        if form.is_valid():
            try:
                if action == "decide" and request.POST.get("confirmed") != "1":
                    return self._confirm_decision(request, dispute, form.cleaned_data)
                with once.submit_once(request, scope=f"disputes.admin.{action}"):
                    call(form.cleaned_data)
            except once.AlreadySubmitted:  # a double click: the first one did it
                return redirect(reverse("admin:disputes_dispute_change", args=[object_id]))
            except ApplicationError as exc:
                for field, problems in exc.fields.items():
                    name = {"contractor_amount_cents": "contractor_amount"}.get(field, field)
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, problem)
                if not exc.fields:
                    form.add_error(None, exc.message)
            else:
                messages.success(request, success)
                return redirect(reverse("admin:disputes_dispute_change", args=[object_id]))
        messages.error(request, "Please fix the problems below.")
        form_keys = {"msg": "message_form", "note": "note_form", "offer": "offer_form", "decide": "resolve_form"}
        response = self._page(request, object_id, **{form_keys[prefix]: form})
        response.status_code = 400
        return response
