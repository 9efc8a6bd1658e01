from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("contracts/<uuid:pk>/messages/", views.thread, name="thread"),
    path("contracts/<uuid:pk>/messages/post/", views.post, name="post"),
    path("messages/attachments/<uuid:pk>/<str:token>/", views.attachment, name="attachment"),
    path("disputes/<uuid:dispute_id>/cite/<uuid:message_id>/", views.cite, name="cite"),
]
