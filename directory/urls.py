from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("contractors/", views.directory, name="directory"),
    path("contractors/<uuid:user_id>/invite/", views.invite, name="invite"),
    path("settings/invitations/", views.invitation_settings, name="invitation_settings"),
    path("contractors/<uuid:user_id>/portfolio/<uuid:photo_id>/", views.portfolio_photo, name="portfolio_photo"),
    path("settings/portfolio/", views.portfolio, name="portfolio"),
]
