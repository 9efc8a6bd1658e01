from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm

from .models import ApiToken, ContractorProfile, HomeownerProfile, User


class StaffUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "role")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = StaffUserCreationForm
    ordering = ("-date_joined",)
    list_display = ("email", "full_name", "role", "phone_verified", "is_active", "is_staff", "date_joined")
    list_filter = ("role", "is_active", "is_staff", "is_superuser", ("suspended_at", admin.EmptyFieldListFilter))
    search_fields = ("email", "full_name", "phone")
    # Suspensions are decided in the report queue (admin → Reports) and lifted in admin →
    # Suspended accounts, through the moderation services: read-only here.
    readonly_fields = ("date_joined", "last_login", "suspended_at", "suspension_reason")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "role", "phone", "phone_verified_at")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Moderation", {"fields": ("suspended_at", "suspension_reason")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "role", "password1", "password2")}),)

    @admin.display(boolean=True, description="phone verified")
    def phone_verified(self, obj):
        return obj.phone_verified


@admin.register(HomeownerProfile)
class HomeownerProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "zip_code", "created_at")
    search_fields = ("user__email", "user__full_name", "zip_code")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(ContractorProfile)
class ContractorProfileAdmin(admin.ModelAdmin):
    list_display = ("business_name", "user", "zip_code", "service_radius_miles", "license_state", "license_expires_on", "insurance_expires_on", "rating_avg", "rating_count")
    list_filter = ("license_state", "trades")
    search_fields = ("business_name", "user__email", "license_number", "zip_code")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    filter_horizontal = ("trades",)
    readonly_fields = ("rating_avg", "rating_count", "completed_jobs", "hidden_at", "hidden_reason")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff can see and revoke tokens, never read or create a secret."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at", "revoked_reason")
    list_filter = ("revoked_at", "revoked_reason")
    search_fields = ("name", "prefix", "user__email")
    list_select_related = ("user",)
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at", "revoked_reason")
    exclude = ("key_hash",)
    actions = ["revoke_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke selected tokens")
    def revoke_selected(self, request, queryset):
        from .services import api_token_revoke

        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(actor=request.user, token=token, request=request)
        self.message_user(request, "Selected tokens revoked.")
