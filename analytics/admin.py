"""Admin entry points: the staff analytics page (filters, tiles, charts, CSV, refresh on
demand) and the log of view refreshes."""

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from core.admin import ReadOnlyAdmin

from . import dashboard, tasks
from .models import MarketplaceInsights, RefreshLog


class ReadOnly(ReadOnlyAdmin):
    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff


@admin.register(RefreshLog)
class RefreshLogAdmin(ReadOnly):
    list_display = ("view", "created_at", "duration_ms", "rows", "concurrent", "trigger", "actor", "error")
    list_filter = ("view", "trigger")
    list_select_related = ("actor",)


@admin.register(MarketplaceInsights)
class MarketplaceInsightsAdmin(ReadOnly):
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("", view(self.dashboard_view), name="analytics_dashboard"),
            # The admin index links each model to its changelist: this page is that list.
            path("", view(self.dashboard_view), name="analytics_marketplaceinsights_changelist"),
            path("csv/<slug:table>/", view(self.csv_view), name="analytics_csv"),
            path("refresh/", view(require_POST(self.refresh_view)), name="analytics_refresh"),
        ]

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise Http404
        context = {**self.admin_site.each_context(request), "title": "Marketplace insights",
                   "opts": self.model._meta, **dashboard.context(request.GET)}
        return TemplateResponse(request, "admin/analytics/dashboard.html", context)

    def csv_view(self, request, table):
        if not self.has_view_permission(request) or (response := dashboard.csv_response(table, request.GET)) is None:
            raise Http404
        return response

    def refresh_view(self, request):
        if not self.has_view_permission(request):
            raise Http404
        # Queued like the hourly run (eager in the embedded default); the page shows the log.
        tasks.refresh_views_by_staff.delay(actor_id=request.user.pk)
        messages.success(request, "Refresh queued: the figures update within a minute (see “Last refreshed”).")
        return redirect(reverse("admin:analytics_dashboard") + (f"?{request.GET.urlencode()}" if request.GET else ""))
