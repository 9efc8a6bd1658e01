"""Review endpoints and the public contractor directory of API.md."""

from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ContractorProfile
from contracts.selectors import contract_for
from core.exceptions import ValidationFailed
from core.geo import lookup_zip
from credentials import selectors as credential_selectors

from . import selectors, services
from .models import Review

ERROR = inline_serializer("ReviewError", {"error": inline_serializer("ReviewErrorBody", {
    "code": serializers.CharField(), "message": serializers.CharField(),
    "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)})})


class ReviewPersonSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    display_name = serializers.CharField()


class ReviewSerializer(serializers.ModelSerializer):
    contract = serializers.UUIDField(source="contract_id", read_only=True)
    author = ReviewPersonSerializer(read_only=True)
    subject = ReviewPersonSerializer(read_only=True)
    removed = serializers.SerializerMethodField()
    rating = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = ["id", "contract", "author", "subject", "author_role", "rating", "body", "status", "after_dispute",
                  "reply_body", "replied_at", "removed", "published_at", "created_at"]

    def get_removed(self, obj) -> str | None:
        """"removed by staff: <reason>" when staff hid it; the rating and text are withheld."""
        return f"Removed by staff: {obj.hidden_reason}" if obj.status == Review.Status.HIDDEN else None

    def get_rating(self, obj) -> int | None:
        return None if obj.status == Review.Status.HIDDEN else obj.rating

    def get_body(self, obj) -> str | None:
        return None if obj.status == Review.Status.HIDDEN else obj.body


class ReviewInSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    body = serializers.CharField(max_length=2000)


class ContractReviewView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(request=ReviewInSerializer, responses={201: ReviewSerializer, 400: ERROR, 403: ERROR, 404: ERROR,
                                                          409: ERROR})
    def post(self, request, pk):
        contract = contract_for(request.user, pk)
        data = ReviewInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_submit(actor=request.user, contract_id=contract.pk, request=request,
                                        **data.validated_data)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class UserReviewsView(generics.ListAPIView):
    """Published reviews about a user (removed ones show only staff's reason)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = ReviewSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        user = get_object_or_404(get_user_model(), pk=self.kwargs["pk"], is_active=True)
        return selectors.public_reviews_of(user.pk)


class TradeSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class CredentialSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["license", "insurance", "bond"])
    status = serializers.ChoiceField(choices=["submitted", "verified", "expired"])
    expires_on = serializers.DateField()
    verified_at = serializers.DateTimeField(allow_null=True)


class ContractorSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="user_id", read_only=True)
    display_name = serializers.CharField(source="user.display_name", read_only=True)
    trades = TradeSerializer(many=True, read_only=True)
    city = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()
    rating_avg = serializers.DecimalField(max_digits=3, decimal_places=2, read_only=True, allow_null=True)
    verified = serializers.SerializerMethodField()
    credentials = serializers.SerializerMethodField()
    self_reported = serializers.SerializerMethodField()

    class Meta:
        model = ContractorProfile
        fields = ["id", "display_name", "business_name", "trades", "zip_code", "city", "state", "service_radius_miles",
                  "years_in_business", "bio", "rating_avg", "rating_count", "completed_jobs", "verified", "credentials", "self_reported"]

    def get_city(self, obj) -> str:
        place = lookup_zip(obj.zip_code)
        return place.city if place else ""

    def get_state(self, obj) -> str:
        place = lookup_zip(obj.zip_code)
        return place.state if place else ""

    def get_verified(self, obj) -> inline_serializer("Verified", {
            "license": serializers.BooleanField(), "insurance": serializers.BooleanField(),
            "phone": serializers.BooleanField()}):
        # Kept for existing clients; since issue 14 license/insurance are true only for a
        # credential staff verified and whose expiry date has not come (see `credentials`).
        standing = credential_selectors.standing_from(self._credential_rows(obj))
        return {"license": standing.has("license"), "insurance": standing.has("insurance"),
                "phone": obj.user.phone_verified}

    def _credential_rows(self, obj):
        rows = getattr(obj.user, "public_credentials", None)
        if rows is None:
            prefetch_related_objects([obj.user], credential_selectors.prefetch_public("credentials"))
            rows = obj.user.public_credentials
        return rows

    def get_credentials(self, obj) -> CredentialSerializer(many=True):
        self._credential_rows(obj)
        return CredentialSerializer(credential_selectors.public_credentials(obj.user), many=True).data

    def get_self_reported(self, obj) -> inline_serializer("SelfReported", {
            "license_number": serializers.CharField(required=False), "license_state": serializers.CharField(required=False),
            "license_expires_on": serializers.DateField(required=False),
            "insurance_expires_on": serializers.DateField(required=False)}):
        return credential_selectors.self_reported(obj)


class ContractorDetailSerializer(ContractorSerializer):
    recent_reviews = serializers.SerializerMethodField()

    class Meta(ContractorSerializer.Meta):
        fields = [*ContractorSerializer.Meta.fields, "recent_reviews"]

    def get_recent_reviews(self, obj) -> ReviewSerializer(many=True):
        return ReviewSerializer(selectors.recent_reviews_of(obj.user_id), many=True).data


def _filters(params) -> dict:
    errors = {}
    out = {"category": (params.get("category") or "").strip()[:60], "zip_code": (params.get("zip") or "").strip()}
    if out["zip_code"] and not (out["zip_code"].isdigit() and len(out["zip_code"]) == 5):
        errors["zip"] = ["Enter a 5-digit ZIP code."]
    radius = params.get("radius_miles")
    if radius not in (None, ""):
        if not str(radius).isdigit() or not 1 <= int(radius) <= selectors.MAX_RADIUS_MILES:
            errors["radius_miles"] = [f"A whole number of miles from 1 to {selectors.MAX_RADIUS_MILES}."]
        elif not out["zip_code"]:
            errors["radius_miles"] = ["Give a zip to measure the radius from."]
        else:
            out["radius_miles"] = int(radius)
    rating = params.get("min_rating")
    if rating not in (None, ""):
        try:
            value = Decimal(str(rating))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or not 1 <= value <= 5:
            errors["min_rating"] = ["A number from 1 to 5."]
        else:
            out["min_rating"] = value
    if errors:
        raise ValidationFailed("Some filters need attention.", fields=errors)
    return out


class ContractorListView(generics.ListAPIView):
    """The public contractor directory."""

    permission_classes = [permissions.AllowAny]
    serializer_class = ContractorSerializer
    filter_backends = []

    @extend_schema(parameters=[
        OpenApiParameter("category", OpenApiTypes.STR, description="Trade slug, e.g. `plumbing`."),
        OpenApiParameter("zip", OpenApiTypes.STR, description="5-digit ZIP: contractors serving it (or within radius_miles)."),
        OpenApiParameter("radius_miles", OpenApiTypes.INT, description="With zip: contractors based within this distance."),
        OpenApiParameter("min_rating", OpenApiTypes.NUMBER, description="Minimum average rating, 1-5."),
    ])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ContractorProfile.objects.none()
        return selectors.contractors_directory(**_filters(self.request.query_params)).prefetch_related(
            credential_selectors.prefetch_public())


class ContractorDetailView(generics.RetrieveAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = ContractorDetailSerializer
    lookup_field = "user_id"
    lookup_url_kwarg = "pk"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ContractorProfile.objects.none()
        return selectors.contractors_directory()


urlpatterns = [
    path("contracts/<uuid:pk>/reviews/", ContractReviewView.as_view(), name="contract-reviews"),
    path("users/<uuid:pk>/reviews/", UserReviewsView.as_view(), name="user-reviews"),
    path("contractors/", ContractorListView.as_view(), name="contractor-list"),
    path("contractors/<uuid:pk>/", ContractorDetailView.as_view(), name="contractor-detail"),
]
