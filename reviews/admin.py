"""Staff moderation of reviews: hide with a reason (kept, audited, shown publicly as
"removed by staff: reason"). Reports about reviews are in the moderation queue (admin →
Reports), whose "hide" calls the same service."""

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from core.exceptions import ApplicationError
from moderation import services as moderation

from .forms import HideForm
from .models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("short_id", "subject", "author", "rating", "status", "after_dispute", "created_at")
    list_filter = ("status", "rating", "after_dispute")
    search_fields = ("=id", "subject__email", "author__email", "body")
    list_select_related = ("subject", "author")
    readonly_fields = [f.name for f in Review._meta.fields]
    change_form_template = "admin/disputes/review_change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="review")
    def short_id(self, obj):
        return str(obj.pk)[:8]

    def get_urls(self):
        return [path("<uuid:object_id>/hide/", self.admin_site.admin_view(self.hide_view), name="reviews_review_hide"),
                *super().get_urls()]

    def hide_view(self, request, object_id):
        review = get_object_or_404(Review, pk=object_id)
        if not self.has_view_permission(request, review) or not request.user.is_staff:
            return redirect("admin:index")
        form = HideForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                # The same decision as in the report queue: removed, the author told why, open reports closed.
                moderation.content_hide(actor=request.user, target_kind="review", target_id=review.pk,
                                        reason=form.cleaned_data["reason"], request=request)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Review removed. The reason is shown in its place and kept in the audit log.")
                return redirect(reverse("admin:reviews_review_change", args=[review.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "original": review,
                   "title": "Remove review", "form": form, "review": review}
        return TemplateResponse(request, "admin/disputes/review_hide.html", context)
