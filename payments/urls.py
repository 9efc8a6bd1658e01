from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("webhooks/stripe/", views.stripe_webhook, name="stripe_webhook"),
    path("payments/<uuid:payment_id>/receipt/", views.receipt, name="receipt"),
    path("payments/<uuid:payment_id>/return/", views.checkout_return, name="checkout_return"),
    path("payouts/", views.payouts, name="payouts"),
    path("payouts/onboarding/", views.onboarding_start, name="onboarding_start"),
    path("payouts/onboarding/refresh/", views.onboarding_refresh, name="onboarding_refresh"),
    path("milestones/<uuid:milestone_id>/fund/", views.milestone_fund, name="milestone_fund"),
    path("milestones/<uuid:milestone_id>/submit/", views.milestone_submit, name="milestone_submit"),
    path("milestones/<uuid:milestone_id>/approve/", views.milestone_approve, name="milestone_approve"),
    path("milestones/<uuid:milestone_id>/request-changes/", views.milestone_request_changes,
         name="milestone_request_changes"),
    path("contracts/<uuid:contract_id>/cancel/", views.contract_cancel, name="contract_cancel"),
    path("evidence/<uuid:file_id>/<str:token>/", views.evidence_file, name="evidence_file"),
]
