"""/api/v1/ endpoints for sealed bids. Visibility comes only from bids.selectors."""

import django_filters
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts import services as contract_services
from contracts.api import ContractSerializer
from contracts.selectors import contract_for
from core.exceptions import InvalidState, PermissionDenied, ValidationFailed
from jobs import selectors as job_selectors
from jobs.api.views import ERRORS

from . import selectors, services
from .models import MAX_MILESTONES, Bid, BidMilestone


class BidderSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    rating_avg = serializers.SerializerMethodField()
    rating_count = serializers.SerializerMethodField()

    def _profile(self, user):
        return getattr(user, "contractor_profile", None)

    def get_rating_avg(self, user) -> float | None:
        profile = self._profile(user)
        return float(profile.rating_avg) if profile and profile.rating_avg is not None else None

    def get_rating_count(self, user) -> int:
        profile = self._profile(user)
        return profile.rating_count if profile else 0


class MilestoneTermsSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    amount_cents = serializers.IntegerField()


class BidSerializer(serializers.ModelSerializer):
    contractor = BidderSerializer(read_only=True)
    milestones = MilestoneTermsSerializer(many=True, read_only=True)

    class Meta:
        model = Bid
        fields = [
            "id", "job", "contractor", "amount_cents", "currency", "estimated_days", "proposed_start", "message",
            "milestones", "status", "revision_count", "created_at", "updated_at",
        ]


class BidWriteSerializer(serializers.Serializer):
    """Types only; the rules (1-5 milestones summing to the amount, caps) live in bids.services."""

    amount_cents = serializers.IntegerField()
    estimated_days = serializers.IntegerField()
    proposed_start = serializers.DateField()
    message = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    milestones = MilestoneTermsSerializer(
        many=True, required=False, max_length=MAX_MILESTONES * 4,
        help_text=f"1 to {MAX_MILESTONES} milestones summing to amount_cents; default one milestone of the whole amount.",
    )


class BidSummarySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    awarded = serializers.BooleanField()
    lowest_cents = serializers.IntegerField(required=False, help_text="After the award, when the job had at least 5 bids.")
    median_cents = serializers.IntegerField(required=False, help_text="After the award, when the job had at least 5 bids.")
    highest_cents = serializers.IntegerField(required=False, help_text="After the award, when the job had at least 5 bids.")
    rank = serializers.IntegerField(required=False, help_text="Bidders after the award: their bid's rank by price (1 = lowest).")
    winning_bid_band = serializers.ChoiceField(
        choices=list(selectors.WINNING_BID_BANDS), required=False,
        help_text="Bidders of a job with fewer than 5 bids: how far the winning bid was from theirs; never an amount.")


class BidFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Bid.Status.choices)
    job = django_filters.UUIDFilter(field_name="job_id")

    class Meta:
        model = Bid
        fields = ["status", "job"]


class JobBidsView(APIView):
    """GET: bids on a job as the sealed-bid rule allows. POST: place a bid (contractors)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = BidSerializer

    @extend_schema(responses={200: BidSerializer(many=True), **ERRORS})
    def get(self, request, pk):
        user = request.user
        job = job_selectors.job_for(user, pk)
        is_owner = job.homeowner_id == user.pk
        if not (is_owner or user.is_staff or user.is_contractor):
            raise Http404
        if is_owner and job.bidding_closed_at is None:
            raise InvalidState("Bids are sealed while the job is open. Close bidding to compare them.")
        bids = selectors.bids_visible_to(user, job).order_by("amount_cents", "created_at")
        return Response(BidSerializer(bids, many=True, context={"request": request}).data)

    @extend_schema(request=BidWriteSerializer, responses={201: BidSerializer, **ERRORS})
    def post(self, request, pk):
        job = job_selectors.job_for(request.user, pk)
        data = BidWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bid = services.bid_place(actor=request.user, job=job, request=request, **data.validated_data)
        return Response(BidSerializer(selectors.bid_for(request.user, bid.pk)).data, status=status.HTTP_201_CREATED)


class BidSummaryView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = BidSummarySerializer

    @extend_schema(responses={200: BidSummarySerializer, 404: ERRORS[404]})
    def get(self, request, pk):
        job = job_selectors.job_for(request.user, pk)
        return Response(selectors.bid_summary_for(request.user, job).as_dict())


class BidListView(generics.ListAPIView):
    """The caller's own bids (contractors); staff see every bid."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = BidSerializer
    filterset_class = BidFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Bid.objects.none()
        user = self.request.user
        if not (user.is_contractor or user.is_staff):
            raise PermissionDenied("Only contractors have bids. Homeowners read bids at /jobs/{id}/bids/.")
        return selectors.bids_visible_to(user).filter(**({} if user.is_staff else {"contractor": user}))


class BidDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = BidSerializer

    @extend_schema(responses={200: BidSerializer, 404: ERRORS[404]})
    def get(self, request, pk):
        return Response(BidSerializer(selectors.bid_for(request.user, pk)).data)

    @extend_schema(request=BidWriteSerializer, responses={200: BidSerializer, **ERRORS})
    def patch(self, request, pk):
        bid = selectors.own_bid(request.user, pk)
        data = BidWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        if not data.validated_data:
            raise ValidationFailed("Send at least one field to change.")
        services.bid_revise(actor=request.user, bid=bid, request=request, **data.validated_data)
        return Response(BidSerializer(selectors.bid_for(request.user, pk)).data)


class BidWithdrawView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = BidSerializer

    @extend_schema(request=None, responses={200: BidSerializer, **ERRORS})
    def post(self, request, pk):
        bid = selectors.own_bid(request.user, pk)
        services.bid_withdraw(actor=request.user, bid=bid, request=request)
        return Response(BidSerializer(selectors.bid_for(request.user, pk)).data)


class BidAcceptView(APIView):
    """Award: the job owner accepts one bid while the job is `reviewing` -> 201 contract."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ContractSerializer

    @extend_schema(request=None, responses={201: ContractSerializer, **ERRORS})
    def post(self, request, pk):
        # The owner may name any bid of their own jobs (the service answers 409 while sealed);
        # a bid of someone else's job is a 404.
        bid = get_object_or_404(
            Bid.objects.select_related("job").prefetch_related(
                Prefetch("milestones", queryset=BidMilestone.objects.order_by("position"))
            ),
            pk=pk, job__homeowner=request.user,
        )
        contract = contract_services.bid_accept(actor=request.user, bid=bid, request=request)
        data = ContractSerializer(contract_for(request.user, contract.pk), context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("jobs/<uuid:pk>/bids/", JobBidsView.as_view(), name="job-bids"),
    path("jobs/<uuid:pk>/bid-summary/", BidSummaryView.as_view(), name="job-bid-summary"),
    path("bids/", BidListView.as_view(), name="bid-list"),
    path("bids/<uuid:pk>/", BidDetailView.as_view(), name="bid-detail"),
    path("bids/<uuid:pk>/withdraw/", BidWithdrawView.as_view(), name="bid-withdraw"),
    path("bids/<uuid:pk>/accept/", BidAcceptView.as_view(), name="bid-accept"),
]
