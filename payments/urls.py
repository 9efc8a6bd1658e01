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
]
