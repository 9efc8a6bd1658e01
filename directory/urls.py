from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("contractors/", views.directory, name="directory"),
    path("contractors/<uuid:user_id>/", views.contractor_profile, name="profile"),
    path("contractors/<uuid:user_id>/invite/", views.invite, name="invite"),
    path("settings/invitations/", views.invitation_settings, name="invitation_settings"),
    path("contractors/<uuid:user_id>/portfolio/<uuid:photo_id>/", views.portfolio_photo, name="portfolio_photo"),
    path("contractors/<uuid:user_id>/logo/<uuid:logo_id>/", views.logo, name="logo"),
    path("settings/portfolio/", views.portfolio, name="portfolio"),
    path("settings/logo/", views.logo_settings, name="logo_settings"),
]
