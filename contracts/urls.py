from django.urls import path

from . import change_order_views, print_views, views

app_name = "contracts"

urlpatterns = [
    path("contracts/", views.contract_list, name="list"),
    path("contracts/<uuid:pk>/", views.detail, name="detail"),
    path("contracts/<uuid:pk>/cancel/", views.cancel, name="cancel"),
    path("contracts/<uuid:pk>/print/", print_views.contract_print, name="print"),
    path("contracts/<uuid:pk>/changes/new/", change_order_views.propose, name="change_order_new"),
    path("contracts/<uuid:pk>/changes/<uuid:order_id>/", change_order_views.detail, name="change_order"),
    path("contracts/<uuid:pk>/changes/<uuid:order_id>/<str:decision>/", change_order_views.answer,
         name="change_order_answer"),
]
