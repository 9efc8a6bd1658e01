from django.urls import path

from . import views, webhooks

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/unread-count/", views.unread_count, name="unread_count"),
    path("notifications/read-all/", views.read_all, name="read_all"),
    path("notifications/<uuid:notification_id>/open/", views.open_notification, name="open"),
    path("notifications/<uuid:notification_id>/read/", views.mark_read, name="read"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/email-problem/retry/", views.email_retry, name="email_retry"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # Provider webhooks (outside /api/v1/, CSRF-exempt, authenticated by the provider).
    path("webhooks/email/", webhooks.EmailTrackingWebhookView.as_view(), name="email_webhook"),
    path("webhooks/twilio/", webhooks.twilio_webhook, name="twilio_webhook"),
]
