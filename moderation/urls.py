from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("report/<str:kind>/<uuid:target_id>/", views.report, name="report"),
]
