"""/api/v1/: each app's API routes, listed by hand (the order is the OpenAPI schema's)."""

from django.urls import include, path, re_path

from core.api import api_not_found

urlpatterns = [
    path("", include("accounts.api")),
    path("", include("jobs.api")),
    path("", include("bids.api")),
    path("", include("contracts.api")),
    path("", include("contracts.api_change_orders")),
    path("", include("payments.api")),
    path("", include("disputes.api")),
    path("", include("reviews.api")),
    path("", include("directory.api")),
    path("", include("notifications.api")),
    path("", include("analytics.api")),
    path("", include("messaging.api")),
    path("", include("webhooks.api")),
    path("", include("moderation.api")),
    # Last: any other /api/v1/ path answers the JSON error shape, also under DEBUG.
    re_path(r"^", api_not_found, name="api-not-found"),
]
