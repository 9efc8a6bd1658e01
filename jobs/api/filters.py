import django_filters
from rest_framework import serializers

from core.geo import lookup_zip
from jobs import selectors
from jobs.models import Job


class JobFilter(django_filters.FilterSet):
    """GET /jobs/: the same board selector as the web page, or the caller's own jobs."""

    q = django_filters.CharFilter(method="_noop", help_text="Full-text search of title and description.")
    category = django_filters.CharFilter(method="_noop", help_text="Category slug; several separated by commas.")
    zip = django_filters.CharFilter(method="_noop", help_text="5-digit US ZIP code to measure distance from.")
    radius_miles = django_filters.NumberFilter(method="_noop", min_value=1, max_value=selectors.MAX_RADIUS_MILES)
    budget_min_cents = django_filters.NumberFilter(method="_noop", min_value=0, help_text="Jobs whose budget reaches at least this.")
    budget_max_cents = django_filters.NumberFilter(method="_noop", min_value=0, help_text="Jobs whose budget starts at most at this.")
    mine = django_filters.BooleanFilter(method="_noop", help_text="true: the caller's own jobs in any status (homeowners).")
    status = django_filters.ChoiceFilter(method="_noop", choices=Job.Status.choices, help_text="With mine=true only.")

    class Meta:
        model = Job
        fields: list = []

    def _noop(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        user = getattr(self.request, "user", None)
        raw_mine = self.data.getlist("mine") if hasattr(self.data, "getlist") else []
        if raw_mine and (len(raw_mine) > 1 or raw_mine[0].lower() not in {"true", "false", "1", "0"}):
            raise serializers.ValidationError({"mine": ["true or false."]})  # not silently the board
        if data.get("mine"):
            if user is None or not user.is_authenticated:
                return Job.objects.none()
            jobs = selectors.jobs_of_homeowner(user).select_related("homeowner")
            if data.get("status"):
                jobs = jobs.filter(status=data["status"])
            return jobs
        zip_code = (data.get("zip") or "").strip()
        if zip_code and lookup_zip(zip_code) is None:
            raise serializers.ValidationError({"zip": ["We don't recognise that ZIP code."]})
        if data.get("radius_miles") and not zip_code:
            raise serializers.ValidationError({"radius_miles": ["Give a zip to measure the distance from."]})
        low, high = data.get("budget_min_cents"), data.get("budget_max_cents")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"budget_max_cents": ["Must be at least budget_min_cents."]})
        filters = selectors.BoardFilters(
            q=data.get("q") or "",
            categories=tuple(s.strip() for s in (data.get("category") or "").split(",") if s.strip()),
            zip_code=zip_code,
            radius_miles=int(data["radius_miles"]) if data.get("radius_miles") else None,
            budget_min_cents=int(low) if low is not None else None,
            budget_max_cents=int(high) if high is not None else None,
        )
        return selectors.board(filters, user=user).select_related("homeowner")
