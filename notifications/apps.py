from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import security, webhooks  # noqa: F401  (connect allauth/axes/anymail signals)
