"""Staff verify or reject credentials from a queue ordered by age. The change page is the
review page: the document inline, the state board's lookup link, and the two decisions,
which call the same services as everything else (audited there)."""

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from audit.models import AuditLog
from core.exceptions import ApplicationError

from . import selectors, services
from .boards import board_lookup_url
from .forms import RejectForm
from .models import Credential
from .views import document_url


class QueueFilter(admin.SimpleListFilter):
    """Staff land on the queue (awaiting review, oldest first); other statuses on request."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("all", "All"), *[(v, label) for v, label in Credential.Status.choices]]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            current = self.value() or Credential.Status.SUBMITTED
            yield {"selected": current == value, "query_string": changelist.get_query_string({self.parameter_name: value}),
                   "display": label}

    def queryset(self, request, queryset):
        value = self.value() or Credential.Status.SUBMITTED
        return queryset if value == "all" else queryset.filter(status=value)


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ("contractor", "kind", "state", "number", "expires_on", "status", "waiting")
    list_filter = (QueueFilter, "kind", "state")
    search_fields = ("contractor__email", "contractor__contractor_profile__business_name", "number", "issuer")
    list_select_related = ("contractor",)
    ordering = ("created_at",)  # the queue: oldest first
    list_per_page = 50

    def has_add_permission(self, request):
        return False  # contractors add credentials; staff decide

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="waiting")
    def waiting(self, obj):
        days = (timezone.now() - obj.created_at).days
        return "today" if days == 0 else f"{days} day{'s' if days != 1 else ''}"

    def get_urls(self):
        return [path("<uuid:object_id>/decide/<str:decision>/", self.admin_site.admin_view(self.decide),
                     name="credentials_credential_decide"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._page(request, object_id, RejectForm())

    def _page(self, request, object_id, reject_form):
        credential = get_object_or_404(Credential.objects.select_related("contractor__contractor_profile",
                                                                         "reviewed_by"), pk=object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review {credential.get_kind_display().lower()}", "opts": self.model._meta,
            "credential": credential, "profile": getattr(credential.contractor, "contractor_profile", None),
            "effective": selectors.effective_status(credential),
            "document_url": document_url(credential, request.user),
            "board_url": board_lookup_url(credential.state, credential.number) if credential.kind == "license" else "",
            "reject_form": reject_form,
            "can_decide": credential.status == Credential.Status.SUBMITTED and self.has_change_permission(request),
            "history": AuditLog.objects.filter(target_type="credentials.credential", target_id=str(credential.pk))
            .select_related("actor").order_by("created_at"),
        }
        return TemplateResponse(request, "admin/credentials/review.html", context)

    def decide(self, request, object_id, decision):
        if request.method != "POST" or not self.has_change_permission(request):
            return redirect(reverse("admin:credentials_credential_change", args=[object_id]))
        credential = get_object_or_404(Credential, pk=object_id)
        form = RejectForm(request.POST) if decision == "reject" else None
        if form is not None and not form.is_valid():
            messages.error(request, "Give the contractor a reason for the rejection.")
            return self._page(request, object_id, form)
        try:
            if decision == "verify":
                services.credential_verify(actor=request.user, credential_id=credential.pk, request=request)
                messages.success(request, f"Verified: {credential.get_kind_display().lower()} {credential.number}.")
            elif decision == "reject":
                services.credential_reject(actor=request.user, credential_id=credential.pk,
                                           reason=form.cleaned_data["reason"], request=request)
                messages.success(request, "Rejected; the contractor was told why.")
            else:
                messages.error(request, "Unknown decision.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(reverse("admin:credentials_credential_change", args=[object_id]))
        return redirect("admin:credentials_credential_changelist")
