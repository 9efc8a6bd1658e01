from django.urls import path

from . import views

app_name = "contracts"

urlpatterns = [
    path("contracts/", views.contract_list, name="list"),
    path("contracts/<uuid:pk>/", views.detail, name="detail"),
    path("contracts/<uuid:pk>/cancel/", views.cancel, name="cancel"),
]
