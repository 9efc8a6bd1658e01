"""/api/v1/ contracts (read, cancel before funding), the milestone actions (fund, submit,
approve, request changes) and a contract's payments. Same services and selectors as the web."""

from dataclasses import asdict
from dataclasses import fields as dataclass_fields

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import PermissionDenied
from jobs.api.serializers import PartySerializer
from payments.api import ERRORS, PaymentSerializer, RefundSerializer, ReleaseSerializer, provider_error
from payments.gateways import GatewayError
from payments.selectors import contract_payments

from . import money, selectors, services
from .evidence import MAX_FILES
from .models import Contract, EvidenceFile, Milestone, Submission


class MilestoneSerializer(serializers.ModelSerializer):
    # Additive: a card dispute or an unreviewed outside refund freezes the escrow (approve
    # answers 409 until it is lifted); escrow_notice says why, or that approval releases less.
    escrow_frozen = serializers.SerializerMethodField()
    escrow_notice = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = [
            "id", "position", "title", "amount_cents", "fee_cents", "status", "funded_at", "submitted_at",
            "auto_approve_at", "released_at", "escrow_frozen", "escrow_notice",
        ]

    def _escrow(self, milestone) -> money.EscrowState:
        cache = self.context.setdefault("_escrow_states", {})
        if milestone.pk not in cache:
            cache[milestone.pk] = money.escrow_state(milestone, money.escrow_of(milestone))
        return cache[milestone.pk]

    def get_escrow_frozen(self, milestone) -> bool:
        return self._escrow(milestone).frozen

    def get_escrow_notice(self, milestone) -> str:
        return self._escrow(milestone).notice


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


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceFile
        fields = ["id", "original_name", "kind", "content_type", "size_bytes"]


class SubmissionSerializer(serializers.ModelSerializer):
    files = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Submission
        fields = ["id", "notes", "files", "created_at"]


class SubmitSerializer(serializers.Serializer):
    notes = serializers.CharField(max_length=5000)
    evidence = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=MAX_FILES)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)




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
        services.contract_cancel(actor=request.user, contract_id=contract.pk, request=request)  # closes open checkouts
        return Response(ContractSerializer(selectors.contract_for(request.user, pk)).data)


class MilestoneFundView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: inline_serializer("FundResponse", {"payment": PaymentSerializer()}),
                                            **ERRORS})
    def post(self, request, pk):
        milestone = selectors.milestone_for(request.user, pk)
        try:
            payment = services.milestone_fund(actor=request.user, milestone_id=milestone.pk, request=request)
        except GatewayError as exc:
            return provider_error(exc)
        return Response({"payment": PaymentSerializer(payment).data})


class MilestoneSubmitView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": SubmitSerializer},
                   responses={201: inline_serializer("SubmitResponse", {"milestone": MilestoneSerializer(),
                                                                        "submission": SubmissionSerializer()}),
                              **ERRORS})
    def post(self, request, pk):
        milestone = selectors.milestone_for(request.user, pk)
        if request.user.pk != milestone.contract.contractor_id:
            raise PermissionDenied("Only the contractor can submit completion.")
        data = SubmitSerializer(data={"notes": request.data.get("notes", ""),
                                      "evidence": request.FILES.getlist("evidence")})
        data.is_valid(raise_exception=True)
        submission = services.milestone_submit(actor=request.user, milestone_id=milestone.pk,
                                           notes=data.validated_data["notes"], files=data.validated_data["evidence"],
                                           request=request)
        milestone.refresh_from_db()
        return Response({"milestone": MilestoneSerializer(milestone).data,
                         "submission": SubmissionSerializer(submission).data}, status=status.HTTP_201_CREATED)


class MilestoneApproveView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: inline_serializer("ApproveResponse", {
        "milestone": MilestoneSerializer(), "release": ReleaseSerializer()}), **ERRORS})
    def post(self, request, pk):
        milestone = selectors.milestone_for(request.user, pk)
        release = services.milestone_approve(actor=request.user, milestone_id=milestone.pk, request=request)
        milestone.refresh_from_db()
        return Response({"milestone": MilestoneSerializer(milestone).data, "release": ReleaseSerializer(release).data})


class MilestoneRequestChangesView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(request=NoteSerializer, responses={200: MilestoneSerializer, **ERRORS})
    def post(self, request, pk):
        milestone = selectors.milestone_for(request.user, pk)
        data = NoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.milestone_request_changes(actor=request.user, milestone_id=milestone.pk, note=data.validated_data["note"],
                                       request=request)
        milestone.refresh_from_db()
        return Response(MilestoneSerializer(milestone).data)


def _figures(figures: money.Figures) -> dict:
    return {f"{name}_cents": value for name, value in asdict(figures).items()}


FiguresSerializer = inline_serializer("MoneyFigures", {
    f"{f.name}_cents": serializers.IntegerField() for f in dataclass_fields(money.Figures)})


class ContractPaymentsView(APIView):
    """The money rows, and `money`: what they add up to (contracts.money, as the contract page shows it)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: inline_serializer("ContractPayments", {
        "payments": PaymentSerializer(many=True), "releases": ReleaseSerializer(many=True),
        "refunds": RefundSerializer(many=True),
        "money": inline_serializer("ContractMoney", {"totals": FiguresSerializer, "milestones": inline_serializer(
            "MilestoneMoney", {"id": serializers.UUIDField(), "state": serializers.CharField(), "figures": FiguresSerializer},
            many=True)})}), 404: ERRORS[404]})
    def get(self, request, pk):
        contract = selectors.contract_for(request.user, pk)
        rows = contract_payments(contract)  # contract_for decided it may be seen
        view = money.contract_money(contract, request.user)
        return Response({
            "payments": PaymentSerializer(rows["payments"], many=True).data,
            "releases": ReleaseSerializer(rows["releases"], many=True).data,
            "refunds": RefundSerializer(rows["refunds"], many=True).data,
            "money": {"totals": _figures(view.totals), "milestones": [
                {"id": str(row.milestone.pk), "state": row.badge[0], "figures": _figures(row.figures)}
                for row in view.milestones]},
        })


urlpatterns = [
    path("contracts/", ContractListView.as_view(), name="contract-list"),
    path("contracts/<uuid:pk>/", ContractDetailView.as_view(), name="contract-detail"),
    path("contracts/<uuid:pk>/cancel/", ContractCancelView.as_view(), name="contract-cancel"),
    path("contracts/<uuid:pk>/payments/", ContractPaymentsView.as_view(), name="contract-payments"),
    path("milestones/<uuid:pk>/fund/", MilestoneFundView.as_view(), name="milestone-fund"),
    path("milestones/<uuid:pk>/submit/", MilestoneSubmitView.as_view(), name="milestone-submit"),
    path("milestones/<uuid:pk>/approve/", MilestoneApproveView.as_view(), name="milestone-approve"),
    path("milestones/<uuid:pk>/request-changes/", MilestoneRequestChangesView.as_view(),
         name="milestone-request-changes"),
]
