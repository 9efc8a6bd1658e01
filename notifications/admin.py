"""Staff views of notifications and their deliveries: read-mostly, for support questions
("did they get the email?"). Rows are written by services only."""

from django.contrib import admin, messages

from . import delivery as delivery_service
from .models import (
    EmailSuppression,
    Notification,
    NotificationDelivery,
    NotificationPreference,
    SmsOptOut,
)


class DeliveryInline(admin.TabularInline):
    model = NotificationDelivery
    fields = ["channel", "to", "status", "attempts", "provider_id", "last_error", "sent_at", "delivered_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "recipient", "created_at", "read_at"]
    list_filter = ["event"]
    search_fields = ["recipient__email", "title"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    inlines = [DeliveryInline]

    def has_add_permission(self, request):
        return False


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "channel", "to", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "channel", "event"]
    search_fields = ["to", "provider_id", "recipient__email"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in NotificationDelivery._meta.fields]
    actions = ["resend_failed"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send failed deliveries again (once)")
    def resend_failed(self, request, queryset):
        count = 0
        for row in queryset.filter(status=NotificationDelivery.Status.FAILED):
            if delivery_service.requeue_failed(row.pk, actor=request.user):
                count += 1
        messages.info(request, f"Queued {count} deliveries again.")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "channel", "enabled"]
    list_filter = ["channel", "enabled"]
    search_fields = ["user__email"]
    list_select_related = ["user"]


@admin.register(EmailSuppression)
class EmailSuppressionAdmin(admin.ModelAdmin):
    list_display = ["email", "reason", "created_at", "cleared_at"]
    list_filter = ["reason"]
    search_fields = ["email"]


@admin.register(SmsOptOut)
class SmsOptOutAdmin(admin.ModelAdmin):
    list_display = ["phone", "created_at"]
    search_fields = ["phone"]
