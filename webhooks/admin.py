from django.contrib import admin, messages

from core.exceptions import ApplicationError

from . import services
from .models import WebhookAttempt, WebhookEndpoint, WebhookMessage


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "user", "is_enabled", "disabled_reason", "created_at"]
    list_filter = ["is_enabled"]
    search_fields = ["url", "user__email"]
    list_select_related = ["user"]
    # The signing secrets are never shown, not even to staff.
    exclude = ["secret", "previous_secret"]
    # The URL and events are the owner's (validated by the service); staff can only disable.
    readonly_fields = ["user", "url", "description", "event_types", "disabled_reason", "previous_secret_expires_at",
                       "disabled_at", "created_at", "updated_at"]


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["started_at", "duration_ms", "response_status", "error", "triggered_by", "response_body"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookMessage)
class WebhookMessageAdmin(admin.ModelAdmin):
    list_display = ["msg_id", "event_type", "endpoint", "status", "attempt_count", "last_response_status", "created_at"]
    list_filter = ["status", "event_type"]
    search_fields = ["msg_id", "endpoint__url", "endpoint__user__email"]
    list_select_related = ["endpoint"]
    readonly_fields = ["endpoint", "event", "msg_id", "event_type", "payload", "status", "attempt_count",
                       "next_attempt_at", "last_response_status", "delivered_at", "failure_reason", "created_at"]
    inlines = [AttemptInline]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Resend the selected deliveries now")
    def resend(self, request, queryset):
        sent = 0
        for message in queryset:
            try:
                services.message_resend(actor=request.user, message=message, request=request)
                sent += 1
            except ApplicationError as exc:
                self.message_user(request, f"{message.msg_id}: {exc.message}", messages.WARNING)
        if sent:
            self.message_user(request, f"{sent} deliver{'y' if sent == 1 else 'ies'} queued to be sent again.")
