from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("settings/webhooks/", views.endpoint_list, name="list"),
    path("settings/webhooks/<uuid:pk>/", views.endpoint_detail, name="detail"),
    path("settings/webhooks/<uuid:pk>/edit/", views.endpoint_edit, name="edit"),
    path("settings/webhooks/<uuid:pk>/toggle/", views.endpoint_toggle, name="toggle"),
    path("settings/webhooks/<uuid:pk>/rotate/", views.endpoint_rotate, name="rotate"),
    path("settings/webhooks/<uuid:pk>/delete/", views.endpoint_delete, name="delete"),
    path("settings/webhooks/messages/<uuid:pk>/resend/", views.message_resend, name="resend"),
]
