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
    path("milestones/<uuid:milestone_id>/fund/", views.milestone_fund, name="milestone_fund"),
    path("milestones/<uuid:milestone_id>/submit/", views.milestone_submit, name="milestone_submit"),
    path("milestones/<uuid:milestone_id>/approve/", views.milestone_approve, name="milestone_approve"),
    path("milestones/<uuid:milestone_id>/request-changes/", views.milestone_request_changes,
         name="milestone_request_changes"),
    path("evidence/<uuid:file_id>/<str:token>/", views.evidence_file, name="evidence_file"),
]
