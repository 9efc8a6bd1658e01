from django.urls import path

from . import views, views_phone

app_name = "accounts"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("onboarding/", views.onboarding, name="onboarding"),
    path("settings/profile/", views.settings_profile, name="settings_profile"),
    path("settings/phone/", views_phone.phone, name="phone"),
    path("settings/api-tokens/", views.api_tokens, name="api_tokens"),
    path("settings/api-tokens/<uuid:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("settings/privacy/", views.settings_privacy, name="settings_privacy"),
    path("settings/privacy/export/", views.data_export, name="data_export"),
    path("settings/privacy/exports/<str:token>/", views.data_export_download, name="data_export_download"),
]
