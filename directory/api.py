"""The public contractor directory of API.md (moved here from reviews with the profile page:
the directory's data lives in this app) and invitations to bid."""

from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ContractorProfile
from core.api import CursorPagination, api_datetime
from core.exceptions import PermissionDenied, ValidationFailed
from core.geo import lookup_zip
from core.links import absolute_reverse
from credentials import selectors as credential_selectors
from jobs.api.serializers import PartySerializer
from reviews.api import ReviewSerializer
from reviews.selectors import MAX_RADIUS_MILES, recent_reviews_of

from . import selectors, services
from .models import Invitation, PortfolioPhoto

ERROR = inline_serializer("DirectoryError", {"error": inline_serializer("DirectoryErrorBody", {
    "code": serializers.CharField(), "message": serializers.CharField(),
    "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)})})


class TradeSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class CredentialSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["license", "insurance", "bond"])
    status = serializers.ChoiceField(choices=["submitted", "verified", "expired"])
    expires_on = serializers.DateField()
    verified_at = serializers.DateTimeField(allow_null=True)


class MetricsSerializer(serializers.Serializer):
    """directory.metrics: a figure below its threshold is null ("not enough history yet")."""

    jobs_completed = serializers.IntegerField()
    response_time_hours = serializers.FloatField(allow_null=True, help_text="Median; null under 5 messages.")
    on_time_rate = serializers.FloatField(allow_null=True, help_text="0-1; null under 5 completed milestones.")
    dispute_rate = serializers.FloatField(allow_null=True, help_text="0-1; null under 5 contracts.")
    counts = inline_serializer("MetricCounts", {
        "contracts": serializers.IntegerField(), "contracts_disputed": serializers.IntegerField(),
        "milestones_completed": serializers.IntegerField(), "milestones_on_time": serializers.IntegerField(),
        "replies": serializers.IntegerField()})
    computed_at = serializers.DateTimeField(allow_null=True)


class PortfolioItemSerializer(serializers.ModelSerializer):
    image_url = serializers.SerializerMethodField()

    class Meta:
        model = PortfolioPhoto
        fields = ["id", "caption", "position", "image_url"]

    def get_image_url(self, obj) -> str:
        return absolute_reverse("directory:portfolio_photo", obj.contractor_id, obj.pk)


_RATING = serializers.DecimalField(max_digits=3, decimal_places=2)  # rating_avg's formatting, for the hand-built output


class ContractorSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="user_id", read_only=True)
    display_name = serializers.CharField(source="user.display_name", read_only=True)
    trades = TradeSerializer(many=True, read_only=True)
    city = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()
    rating_avg = serializers.DecimalField(max_digits=3, decimal_places=2, read_only=True, allow_null=True)
    logo_url = serializers.SerializerMethodField()
    metrics = serializers.SerializerMethodField()
    verified = serializers.SerializerMethodField()
    credentials = serializers.SerializerMethodField()
    self_reported = serializers.SerializerMethodField()

    class Meta:
        model = ContractorProfile
        fields = ["id", "display_name", "business_name", "trades", "zip_code", "city", "state", "service_radius_miles",
                  "years_in_business", "bio", "rating_avg", "rating_count", "completed_jobs", "logo_url", "metrics",
                  "verified", "credentials", "self_reported"]

    def to_representation(self, obj):
        """Built by hand: DRF's generic walk, with a nested metrics and credentials serializer
        per contractor, was most of a directory page's ~20 ms. The declared fields still drive
        the schema; tests/test_api_representation.py pins this output to the generic one."""
        place, user = lookup_zip(obj.zip_code), obj.user
        metrics = selectors.metrics_of(obj).as_api()
        metrics["computed_at"] = api_datetime(metrics["computed_at"])
        return {
            "id": str(obj.user_id), "display_name": user.display_name, "business_name": obj.business_name,
            "trades": [{"slug": trade.slug, "name": trade.name} for trade in obj.trades.all()],
            "zip_code": obj.zip_code, "city": place.city if place else "", "state": place.state if place else "",
            "service_radius_miles": obj.service_radius_miles, "years_in_business": obj.years_in_business,
            "bio": obj.bio, "rating_avg": None if obj.rating_avg is None else _RATING.to_representation(obj.rating_avg),
            "rating_count": obj.rating_count, "completed_jobs": obj.completed_jobs, "logo_url": self.get_logo_url(obj),
            "metrics": metrics, "verified": self.get_verified(obj),
            "credentials": [{**row, "expires_on": row["expires_on"].isoformat(), "verified_at": api_datetime(row["verified_at"])}
                            for row in self._public_credentials(obj)],
            "self_reported": self.get_self_reported(obj),
        }

    def get_city(self, obj) -> str:
        place = lookup_zip(obj.zip_code)
        return place.city if place else ""

    def get_state(self, obj) -> str:
        place = lookup_zip(obj.zip_code)
        return place.state if place else ""

    def get_logo_url(self, obj) -> str | None:
        """Public, like the profile; a new logo gets a new URL. With S3 it redirects to a
        short-lived signed link, so keep this URL rather than where it leads."""
        logo = selectors.logo_of(obj.user)
        return absolute_reverse("directory:logo", obj.user_id, logo.pk) if logo else None

    def get_metrics(self, obj) -> MetricsSerializer:
        return MetricsSerializer(selectors.metrics_of(obj).as_api()).data

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

    def _public_credentials(self, obj):
        self._credential_rows(obj)
        return credential_selectors.public_credentials(obj.user)

    def get_credentials(self, obj) -> CredentialSerializer(many=True):
        return CredentialSerializer(self._public_credentials(obj), many=True).data

    def get_self_reported(self, obj) -> inline_serializer("SelfReported", {
            "license_number": serializers.CharField(required=False), "license_state": serializers.CharField(required=False),
            "license_expires_on": serializers.DateField(required=False),
            "insurance_expires_on": serializers.DateField(required=False)}):
        return credential_selectors.self_reported(obj)


class ContractorDetailSerializer(ContractorSerializer):
    portfolio = serializers.SerializerMethodField()
    recent_reviews = serializers.SerializerMethodField()

    class Meta(ContractorSerializer.Meta):
        fields = [*ContractorSerializer.Meta.fields, "portfolio", "recent_reviews"]

    def to_representation(self, obj):
        return {**super().to_representation(obj), "portfolio": self.get_portfolio(obj),
                "recent_reviews": self.get_recent_reviews(obj)}

    def get_portfolio(self, obj) -> PortfolioItemSerializer(many=True):
        return PortfolioItemSerializer(obj.user.portfolio_items, many=True).data

    def get_recent_reviews(self, obj) -> ReviewSerializer(many=True):
        return ReviewSerializer(recent_reviews_of(obj.user_id), many=True).data


def _filters(params) -> dict:
    errors = {}
    out = {"category": (params.get("category") or "").strip()[:60], "zip_code": (params.get("zip") or "").strip()}
    if out["zip_code"] and not (out["zip_code"].isdigit() and len(out["zip_code"]) == 5):
        errors["zip"] = ["Enter a 5-digit ZIP code."]
    radius = params.get("radius_miles")
    if radius not in (None, ""):
        if not str(radius).isdigit() or not 1 <= int(radius) <= MAX_RADIUS_MILES:
            errors["radius_miles"] = [f"A whole number of miles from 1 to {MAX_RADIUS_MILES}."]
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
        return selectors.directory(**_filters(self.request.query_params))


class ContractorDetailView(generics.RetrieveAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = ContractorDetailSerializer
    lookup_field = "user_id"
    lookup_url_kwarg = "pk"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ContractorProfile.objects.none()
        photos = PortfolioPhoto.objects.only("id", "contractor_id", "caption", "position")
        return selectors.directory().prefetch_related(Prefetch("user__portfolio", queryset=photos,
                                                               to_attr="portfolio_items"))


# --- invitations ----------------------------------------------------------------------------
class InvitationSerializer(serializers.ModelSerializer):
    """The job and the two people; never anything about bids (sealed bidding)."""

    job = serializers.SerializerMethodField()
    homeowner = serializers.SerializerMethodField()
    contractor = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "job", "homeowner", "contractor", "created_at"]

    def get_job(self, obj) -> inline_serializer("InvitationJob", {
            "id": serializers.UUIDField(), "title": serializers.CharField(), "status": serializers.CharField(),
            "bidding_deadline": serializers.DateTimeField()}):
        job = obj.job
        return {"id": str(job.pk), "title": job.title, "status": job.status, "bidding_deadline": job.bidding_deadline}

    def get_homeowner(self, obj) -> PartySerializer:
        return {"id": str(obj.homeowner_id), "display_name": obj.homeowner.display_name}

    def get_contractor(self, obj) -> PartySerializer:
        return {"id": str(obj.contractor_id), "display_name": obj.contractor.display_name}


class InvitationInSerializer(serializers.Serializer):
    contractor = serializers.UUIDField(help_text="The contractor's id (as in /contractors/).")


class JobInvitationsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=InvitationInSerializer, responses={201: InvitationSerializer, 400: ERROR, 403: ERROR,
                                                              404: ERROR, 409: ERROR, 429: ERROR})
    def post(self, request, pk):
        """Invite a contractor to bid on one of your open jobs (same rules as the profile page)."""
        if not request.user.is_homeowner:
            raise PermissionDenied("Only homeowners invite contractors to bid.")
        job = selectors.own_job(request.user, pk)  # someone else's job: 404
        data = InvitationInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.invitation_send(actor=request.user, contractor_id=data.validated_data["contractor"],
                                              job_id=job.pk, request=request)
        invitation = selectors.invitations_of(request.user).get(pk=invitation.pk)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationPagination(CursorPagination):
    ordering = ("-created_at", "-id")


class InvitationListView(generics.ListAPIView):
    """A contractor's invitations received, a homeowner's sent."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = InvitationSerializer
    pagination_class = InvitationPagination
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return selectors.invitations_of(self.request.user)


urlpatterns = [
    path("contractors/", ContractorListView.as_view(), name="contractor-list"),
    path("contractors/<uuid:pk>/", ContractorDetailView.as_view(), name="contractor-detail"),
    path("jobs/<uuid:pk>/invitations/", JobInvitationsView.as_view(), name="job-invitations"),
    path("invitations/", InvitationListView.as_view(), name="invitation-list"),
]
