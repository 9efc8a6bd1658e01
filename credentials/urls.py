from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<uuid:credential_id>/document/<str:token>/", views.document, name="document"),
]
