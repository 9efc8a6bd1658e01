from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("contractors/", views.directory, name="directory"),
    path("contractors/<uuid:user_id>/invite/", views.invite, name="invite"),
    path("settings/invitations/", views.invitation_settings, name="invitation_settings"),
]
