"""/api/v1/: every app contributes the urlpatterns of its api.py."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("accounts.api")),
    path("", include("jobs.api")),
]
