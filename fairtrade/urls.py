from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import health
from core import views as core_views

from .discovery import app_urlpatterns

admin.site.site_header = "FairTradeWorker staff"
admin.site.site_title = "FairTradeWorker staff"
admin.site.index_title = "Moderation and operations"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # Each app's urls.py (with its app_name namespace) is picked up by convention.
    *app_urlpatterns("urls"),
    path("api/v1/", include("fairtrade.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
