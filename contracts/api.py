"""/api/v1/ contracts (read, cancel before funding). Milestone money actions live in payments."""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from jobs.api.serializers import PartySerializer

from . import flow, selectors
from .models import Contract, Milestone


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = [
            "id", "position", "title", "amount_cents", "fee_cents", "status", "funded_at", "submitted_at",
            "auto_approve_at", "released_at",
        ]


class ContractSerializer(serializers.ModelSerializer):
    homeowner = PartySerializer(read_only=True)
    contractor = PartySerializer(read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id", "job", "bid", "homeowner", "contractor", "total_cents", "fee_bps", "currency", "status",
            "milestones", "created_at",
        ]


class ContractListView(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ContractSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Contract.objects.none()
        return selectors.contracts_visible_to(self.request.user)


class ContractDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ContractSerializer

    @extend_schema(responses={200: ContractSerializer, 404: OpenApiResponse(description="not_found")})
    def get(self, request, pk):
        return Response(ContractSerializer(selectors.contract_for(request.user, pk)).data)


class ContractCancelView(APIView):
    """The homeowner cancels while awaiting_funding; the job returns to reviewing."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ContractSerializer

    @extend_schema(request=None, responses={200: ContractSerializer, 403: OpenApiResponse(description="permission_denied"),
                                            404: OpenApiResponse(description="not_found"),
                                            409: OpenApiResponse(description="invalid_state")})
    def post(self, request, pk):
        contract = selectors.contract_for(request.user, pk)
        flow.contract_cancel(actor=request.user, contract_id=contract.pk, request=request)  # closes open checkouts
        return Response(ContractSerializer(selectors.contract_for(request.user, pk)).data)


urlpatterns = [
    path("contracts/", ContractListView.as_view(), name="contract-list"),
    path("contracts/<uuid:pk>/", ContractDetailView.as_view(), name="contract-detail"),
    path("contracts/<uuid:pk>/cancel/", ContractCancelView.as_view(), name="contract-cancel"),
]
