"""The site's URL map, in one place. Every app is listed by hand: an app missing here is a
visible omission, never a silently skipped module. App url modules carry their own path
segments (jobs/, bids/, payouts/, webhooks/...), so each is included at the root."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import health
from core import views as core_views

# Staff sign in to the admin through allauth (password, then the two-factor code), never
# through Django's password-only admin form; accounts/twofactor.py requires the code.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "FairTradeWorker staff"
admin.site.site_title = "FairTradeWorker staff"
admin.site.index_title = "Moderation and operations"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("jobs.urls")),
    path("", include("bids.urls")),
    path("", include("contracts.urls")),
    path("", include("payments.urls")),
    path("", include("disputes.urls")),
    path("", include("reviews.urls")),
    path("", include("notifications.urls")),
    path("credentials/", include("credentials.urls")),
    path("", include("directory.urls")),
    path("", include("messaging.urls")),
    path("", include("webhooks.urls")),
    path("", include("moderation.urls")),
    path("api/v1/", include("fairtrade.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
