"""/api/v1/: each app's API routes, listed by hand (the order is the OpenAPI schema's)."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api")),
    path("", include("jobs.api")),
    path("", include("bids.api")),
    path("", include("contracts.api")),
    path("", include("contracts.api_change_orders")),
    path("", include("payments.api")),
    path("", include("disputes.api")),
    path("", include("reviews.api")),
    path("", include("notifications.api")),
    path("", include("analytics.api")),
    path("", include("messaging.api")),
]
