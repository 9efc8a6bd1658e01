"""GET /api/v1/price-benchmarks/?category=<slug>&zip=<ZIP>: the fair-price band for a trade
around a ZIP, under the same privacy rule as the pages (analytics.selectors)."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import ValidationFailed
from core.geo import lookup_zip
from jobs.models import Category

from . import selectors


class BandSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=["zip3", "state"], help_text="zip3: local; state: the state-wide fallback.")
    area = serializers.CharField(help_text="The ZIP3 (e.g. 787) or the state (e.g. TX).")
    low_cents = serializers.IntegerField(help_text="25th percentile of awarded amounts.")
    median_cents = serializers.IntegerField()
    high_cents = serializers.IntegerField(help_text="75th percentile of awarded amounts.")
    jobs = serializers.IntegerField(help_text="Awarded contracts the band is computed from.")


class BidsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    p25_cents = serializers.IntegerField()
    median_cents = serializers.IntegerField()
    p75_cents = serializers.IntegerField()


class BenchmarkSerializer(serializers.Serializer):
    category = serializers.CharField()
    zip3 = serializers.CharField()
    state = serializers.CharField()
    band = BandSerializer(allow_null=True, help_text="The local band, else the state-wide one, else null.")
    local_data = serializers.BooleanField(help_text="False: not enough local data yet (band is state-wide or null).")
    bids = BidsSerializer(allow_null=True, help_text="Quartiles of all bids around the ZIP3, with a local band only.")
    window_days = serializers.IntegerField()
    min_awarded = serializers.IntegerField()
    min_contractors = serializers.IntegerField()


class PriceBenchmarkView(APIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = BenchmarkSerializer

    @extend_schema(
        parameters=[OpenApiParameter("category", str, required=True, description="Trade slug (GET /categories/)."),
                    OpenApiParameter("zip", str, required=True, description="5-digit US ZIP code.")],
        responses={200: BenchmarkSerializer, 400: OpenApiResponse(description="validation_error")},
    )
    def get(self, request):
        slug, zip_code = request.query_params.get("category", "").strip(), request.query_params.get("zip", "").strip()
        errors = {}
        category = Category.objects.filter(slug=slug).first() if slug else None
        if category is None:
            errors["category"] = ["Unknown trade: use a slug from GET /api/v1/categories/." if slug else "This field is required."]
        if not zip_code:
            errors["zip"] = ["This field is required."]
        elif lookup_zip(zip_code) is None or len(zip_code) != 5:
            errors["zip"] = ["Enter a valid 5-digit US ZIP code."]
        if errors:
            raise ValidationFailed("Check the query parameters.", fields=errors)
        benchmark = selectors.price_benchmark(category, zip_code)
        band = benchmark.band
        return Response(BenchmarkSerializer({
            "category": category.slug, "zip3": benchmark.zip3, "state": benchmark.state,
            "band": band.as_dict() if band else None, "local_data": benchmark.local is not None,
            "bids": benchmark.bids, "window_days": 365,
            "min_awarded": selectors.MIN_AWARDED, "min_contractors": selectors.MIN_CONTRACTORS,
        }).data)


urlpatterns = [
    path("price-benchmarks/", PriceBenchmarkView.as_view(), name="price-benchmarks"),
]
