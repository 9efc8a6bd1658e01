from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "actor", "target_repr", "ip_address")
    list_filter = ("action", "target_type")
    search_fields = ("action", "target_id", "target_repr", "actor__email", "ip_address")
    date_hierarchy = "created_at"
    list_select_related = ("actor",)
    readonly_fields = [f.name for f in AuditLog._meta.fields]
