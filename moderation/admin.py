"""The staff report queue. The list is the queue (open reports, oldest first, the content
inline, how many reports the content has); the change page is the review page: the content
with a link to where it lives, every report on it, its author's account and history, and
the decisions (remove with a reason, warn, suspend, dismiss). Removing and suspending are
irreversible and go through a confirmation page saying what will happen. Every decision is
a moderation service call (audited there)."""

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.models import User
from bids.selectors import open_bids_of
from contracts.models import Contract
from core.admin import ReadOnlyAdmin
from core.exceptions import ApplicationError

from . import services, targets
from .forms import NoteForm, ReasonForm
from .models import ModerationAction, Report, SuspendedAccount


class QueueFilter(admin.SimpleListFilter):
    """Staff land on the open reports; handled ones on request."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("all", "All"), *Report.Status.choices]

    def choices(self, changelist):
        current = self.value() or Report.Status.OPEN
        for value, label in self.lookup_choices:
            yield {"selected": current == value, "display": label,
                   "query_string": changelist.get_query_string({self.parameter_name: value})}

    def queryset(self, request, queryset):
        value = self.value() or Report.Status.OPEN
        return queryset if value == "all" else queryset.filter(status=value)


class QueueChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        # The content of every row in one query per kind (not one per row).
        found = targets.for_staff_many((r.target_kind, r.target_id) for r in self.result_list)
        for report in self.result_list:
            report.target = found.get((report.target_kind, report.target_id))


def _waiting(since) -> str:
    days = (timezone.now() - since).days
    return "today" if days == 0 else f"{days} day{'s' if days != 1 else ''}"


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("waiting", "kind", "content", "reason", "reports_on_content", "author", "status")
    list_filter = (QueueFilter, "target_kind", "reason")
    list_select_related = ("target_owner", "reporter")
    search_fields = ("=target_id", "target_owner__email", "reporter__email", "details")
    ordering = ("created_at",)  # the queue: oldest first
    list_per_page = 50

    class Media:
        css = {"all": ["css/admin-moderation.css"]}

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_queryset(self, request):
        same_target = (Report.objects.filter(target_kind=OuterRef("target_kind"), target_id=OuterRef("target_id"),
                                             status=Report.Status.OPEN)
                       .order_by().values("target_kind").annotate(n=Count("pk")).values("n"))
        return super().get_queryset(request).annotate(_on_content=Coalesce(Subquery(same_target), 0))

    def has_add_permission(self, request):
        return False  # people report from the site and the API

    def has_delete_permission(self, request, obj=None):
        return False  # the record of what was reported stays

    @admin.display(description="waiting", ordering="created_at")
    def waiting(self, obj):
        return _waiting(obj.created_at)

    @admin.display(description="kind", ordering="target_kind")
    def kind(self, obj):
        return obj.get_target_kind_display()

    @admin.display(description="content")
    def content(self, obj):
        target = getattr(obj, "target", None)
        if target is None:
            return "(no longer exists)"
        text = target.text if len(target.text) <= 140 else target.text[:139] + "…"
        return format_html('<a href="{}">{}</a>{}', reverse("admin:moderation_report_change", args=[obj.pk]),
                           text or target.label, " · removed" if target.hidden else "")

    @admin.display(description="open reports on it", ordering="_on_content")
    def reports_on_content(self, obj):
        return obj._on_content

    @admin.display(description="author")
    def author(self, obj):
        owner = obj.target_owner
        return format_html("{}{}", owner.email, " (suspended)" if owner.suspended_at else "")

    # --- The review page and the decisions ----------------------------------------------
    def get_urls(self):
        return [path("<uuid:object_id>/act/<str:action>/", self.admin_site.admin_view(self.act),
                     name="moderation_report_act"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._page(request, object_id)

    def _page(self, request, object_id, forms=None, status=200):
        report = get_object_or_404(Report.objects.select_related("target_owner"), pk=object_id)
        target = targets.for_staff(report.target_kind, report.target_id)
        owner = report.target_owner
        forms = forms or {}
        can_change = self.has_change_permission(request, report)
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "original": report,
            "title": f"Report on {report.get_target_kind_display().lower()}", "report": report, "target": target,
            "owner": owner, "waiting": _waiting(report.created_at),
            "reports": Report.objects.filter(target_kind=report.target_kind, target_id=report.target_id)
            .select_related("reporter", "handled_by").order_by("created_at"),
            "history": ModerationAction.objects.filter(subject=owner).select_related("actor").order_by("-created_at")[:20],
            "open_reports_about_owner": Report.objects.filter(target_owner=owner, status=Report.Status.OPEN).count(),
            "can_change": can_change and target is not None,
            "can_suspend": can_change and request.user.has_perm("moderation.suspend_account")
            and not owner.suspended_at and not owner.is_staff,
            "is_open": report.status == Report.Status.OPEN,
            "hide_form": forms.get("hide") or ReasonForm(prefix="hide"),
            "warn_form": forms.get("warn") or ReasonForm(prefix="warn"),
            "suspend_form": forms.get("suspend") or ReasonForm(prefix="suspend"),
            "dismiss_form": forms.get("dismiss") or NoteForm(prefix="dismiss"),
        }
        return TemplateResponse(request, "admin/moderation/report_review.html", context, status=status)

    def _confirm(self, request, report, target, action, reason):
        owner = report.target_owner
        if action == "hide":
            title = f"Remove {target.label}?"
            consequences = [
                f"Nobody but its author and staff sees {target.label} any more: it leaves the pages and the API.",
                f"{owner.display_name} is told it was removed, with your reason (never who reported it).",
                "The open reports on it are closed as actioned.",
            ]
            if report.target_kind == "job":
                consequences.append("The job keeps its status: cancel it separately if bidding must stop for its "
                                    "bidders too (admin → Jobs).")
            facts = [("Content", target.text[:300]), ("Reason shown to the author", reason)]
            button = "Remove it"
        else:
            bids = list(open_bids_of(owner.pk).select_related("job").order_by("created_at")) if owner.is_contractor else []
            live = Contract.objects.filter(status__in=[Contract.Status.AWAITING_FUNDING, Contract.Status.ACTIVE])
            contracts = (live.filter(contractor=owner) | live.filter(homeowner=owner)).count()
            title = f"Suspend {owner.email}?"
            consequences = [
                f"This withdraws {len(bids)} open bid{'s' if len(bids) != 1 else ''}"
                + (f" (on {', '.join(f'“{b.job.title}”' for b in bids[:10])}{'…' if len(bids) > 10 else ''})"
                   if bids else "") + ". Each homeowner is told a bid on their job was withdrawn, not whose or how much.",
                "From now on the account cannot bid, post or edit jobs, ask or answer questions, send messages, "
                "review or invite; it can still sign in and read.",
                f"{owner.display_name} is told the account is suspended, with your reason.",
                f"Contracts under way ({contracts}) are not changed: payments, completion and disputes continue.",
            ]
            facts = [("Account", f"{owner.email} ({owner.get_role_display().lower()})"), ("Reason shown to them", reason)]
            button = f"Suspend and withdraw {len(bids)} bid{'s' if len(bids) != 1 else ''}"
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "original": report,
            "title": title, "consequences": consequences, "facts": facts, "button": button,
            "action_url": reverse("admin:moderation_report_act", args=[report.pk, action]),
            "back_url": reverse("admin:moderation_report_change", args=[report.pk]),
            "hidden": [(key, value) for key, value in request.POST.items() if key.startswith(f"{action}-")],
            "irreversible": "A suspension can be lifted later (admin → Suspended accounts), but withdrawn bids stay "
                            "withdrawn." if action == "suspend" else "A removal cannot be undone.",
        }
        return TemplateResponse(request, "admin/moderation/confirm.html", context)

    def act(self, request, object_id, action):
        url = reverse("admin:moderation_report_change", args=[object_id])
        if request.method != "POST" or not self.has_change_permission(request):
            return redirect(url)
        report = get_object_or_404(Report.objects.select_related("target_owner"), pk=object_id)
        target = targets.for_staff(report.target_kind, report.target_id)
        if action not in ("hide", "warn", "suspend", "dismiss") or target is None:
            messages.error(request, "Nothing to do: the content no longer exists or the action is unknown.")
            return redirect(url)
        form = (NoteForm if action == "dismiss" else ReasonForm)(request.POST, prefix=action)
        if not form.is_valid():
            return self._page(request, object_id, {action: form}, status=400)
        reason = form.cleaned_data.get("reason", "")
        if action in ("hide", "suspend") and request.POST.get("confirmed") != "1":
            return self._confirm(request, report, target, action, reason)
        kind, pk = report.target_kind, report.target_id
        try:
            if action == "hide":
                services.content_hide(actor=request.user, target_kind=kind, target_id=pk, reason=reason,
                                      request=request)
                done = "Removed. The author was told why; the reports on it are closed."
            elif action == "warn":
                services.user_warn(actor=request.user, target_kind=kind, target_id=pk, reason=reason, request=request)
                done = f"{report.target_owner.email} was warned; the reports on it are closed."
            elif action == "suspend":
                result = services.user_suspend(actor=request.user, user_id=report.target_owner_id, reason=reason,
                                               target_kind=kind, target_id=pk, request=request)
                n = result.details.get("bids_withdrawn", 0)
                done = f"{report.target_owner.email} is suspended; {n} open bid{'s' if n != 1 else ''} withdrawn."
            else:
                services.reports_dismiss(actor=request.user, target_kind=kind, target_id=pk,
                                         note=form.cleaned_data["note"], request=request)
                done = "Dismissed. Nobody is notified."
        except ApplicationError as exc:
            form.add_error("reason" if "reason" in form.fields else None, exc.message)
            return self._page(request, object_id, {action: form}, status=exc.status_code)
        messages.success(request, done)
        return redirect("admin:moderation_report_changelist")


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    """The log of staff decisions (read-only; the audit log has the same with IP addresses)."""

    list_display = ("created_at", "kind", "subject", "target_kind", "reason", "actor")
    list_filter = ("kind", "target_kind")
    search_fields = ("subject__email", "actor__email", "reason", "=target_id")
    list_select_related = ("subject", "actor")
    readonly_fields = ("kind", "actor", "subject", "target_kind", "target_id", "reason", "details", "created_at")


@admin.register(SuspendedAccount)
class SuspendedAccountAdmin(admin.ModelAdmin):
    """Suspended accounts, with "Lift the suspension" on each."""

    list_display = ("email", "full_name", "role", "suspended_at", "suspension_reason")
    search_fields = ("email", "full_name")
    ordering = ("-suspended_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(suspended_at__isnull=False)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("moderation.suspend_account")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("moderation.suspend_account")

    def has_module_permission(self, request):
        return request.user.has_perm("moderation.suspend_account")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = get_object_or_404(User, pk=object_id)
        form = NoteForm(request.POST or None, prefix="lift")
        if request.method == "POST" and self.has_change_permission(request) and form.is_valid():
            try:
                services.user_unsuspend(actor=request.user, user_id=user.pk, note=form.cleaned_data["note"],
                                        request=request)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"{user.email} can act again and was told so.")
                return redirect("admin:moderation_suspendedaccount_changelist")
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "original": user,
            "title": f"Suspended: {user.email}", "account": user, "form": form,
            "history": ModerationAction.objects.filter(subject=user).select_related("actor").order_by("-created_at")[:20],
        }
        return TemplateResponse(request, "admin/moderation/suspended_account.html", context)
