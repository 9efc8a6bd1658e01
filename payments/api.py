"""/api/v1/ money endpoints. Same services and selectors as the web views."""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts import flow
from contracts.api import MilestoneSerializer
from contracts.evidence import MAX_FILES
from contracts.models import EvidenceFile, Submission
from core.exceptions import PermissionDenied

from . import selectors, services
from .gateways import GatewayError, GatewayRejected
from .models import Payment, Refund, Release

ERRORS = {
    400: OpenApiResponse(description="validation_error"),
    403: OpenApiResponse(description="permission_denied"),
    404: OpenApiResponse(description="not_found"),
    409: OpenApiResponse(description="invalid_state"),
    502: OpenApiResponse(description="payment_provider_error"),
}


class PaymentSerializer(serializers.ModelSerializer):
    milestone = serializers.UUIDField(source="milestone_id", read_only=True)
    checkout_url = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = ["id", "milestone", "status", "amount_cents", "fee_cents", "total_cents", "currency", "checkout_url",
                  "succeeded_at", "created_at"]

    def get_checkout_url(self, payment) -> str | None:
        # Only useful (and only shown) while the payment can still be completed.
        return payment.checkout_url if payment.status in (Payment.Status.PENDING, Payment.Status.FAILED) else None


class ReleaseSerializer(serializers.ModelSerializer):
    milestone = serializers.UUIDField(source="milestone_id", read_only=True)

    class Meta:
        model = Release
        fields = ["id", "milestone", "status", "amount_cents", "currency", "reason", "succeeded_at", "created_at"]


class RefundSerializer(serializers.ModelSerializer):
    milestone = serializers.UUIDField(source="milestone_id", read_only=True)

    class Meta:
        model = Refund
        fields = ["id", "milestone", "status", "amount_cents", "currency", "reason", "succeeded_at", "created_at"]


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


def _provider_error(exc: GatewayError) -> Response:
    code = "payment_provider_rejected" if isinstance(exc, GatewayRejected) else "payment_provider_unavailable"
    message = ("The payment provider refused the request." if isinstance(exc, GatewayRejected)
               else "The payment provider is unavailable. Nothing was charged; try again in a minute.")
    return Response({"error": {"code": code, "message": message}}, status=status.HTTP_502_BAD_GATEWAY)


class MilestoneFundView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: inline_serializer("FundResponse", {"payment": PaymentSerializer()}),
                                            **ERRORS})
    def post(self, request, pk):
        milestone = selectors.milestone_for(request.user, pk)
        try:
            payment = flow.milestone_fund(actor=request.user, milestone_id=milestone.pk, request=request)
        except GatewayError as exc:
            return _provider_error(exc)
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
        submission = flow.milestone_submit(actor=request.user, milestone_id=milestone.pk,
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
        release = flow.milestone_approve(actor=request.user, milestone_id=milestone.pk, request=request)
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
        flow.milestone_request_changes(actor=request.user, milestone_id=milestone.pk, note=data.validated_data["note"],
                                       request=request)
        milestone.refresh_from_db()
        return Response(MilestoneSerializer(milestone).data)


class ContractPaymentsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: inline_serializer("ContractPayments", {
        "payments": PaymentSerializer(many=True), "releases": ReleaseSerializer(many=True),
        "refunds": RefundSerializer(many=True)}), 404: ERRORS[404]})
    def get(self, request, pk):
        contract = selectors.contract_for(request.user, pk)
        rows = selectors.contract_payments(contract)
        return Response({
            "payments": PaymentSerializer(rows["payments"], many=True).data,
            "releases": ReleaseSerializer(rows["releases"], many=True).data,
            "refunds": RefundSerializer(rows["refunds"], many=True).data,
        })


class OnboardingLinkView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: inline_serializer("OnboardingLink", {"url": serializers.URLField()}),
                                            403: ERRORS[403], 502: ERRORS[502]})
    def post(self, request):
        try:
            url = services.onboarding_link(actor=request.user, request=request)
        except GatewayError as exc:
            return _provider_error(exc)
        return Response({"url": url})


class PayoutStatusView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: inline_serializer("PayoutStatus", {
        "payouts_enabled": serializers.BooleanField(), "requirements_due": serializers.ListField(
            child=serializers.CharField()), "onboarding_started": serializers.BooleanField(),
        "released_cents": serializers.IntegerField(), "pending_cents": serializers.IntegerField()}),
        403: ERRORS[403]})
    def get(self, request):
        if not request.user.is_contractor:
            raise PermissionDenied("Only contractors receive payouts.")
        data = selectors.payouts_for(request.user)
        account = data["account"]
        return Response({
            "payouts_enabled": bool(account and account.payouts_enabled),
            "requirements_due": list(account.requirements_due) if account else ["onboarding"],
            "onboarding_started": account is not None,
            "released_cents": data["released_cents"],
            "pending_cents": data["pending_cents"],
        })


urlpatterns = [
    path("milestones/<uuid:pk>/fund/", MilestoneFundView.as_view(), name="milestone-fund"),
    path("milestones/<uuid:pk>/submit/", MilestoneSubmitView.as_view(), name="milestone-submit"),
    path("milestones/<uuid:pk>/approve/", MilestoneApproveView.as_view(), name="milestone-approve"),
    path("milestones/<uuid:pk>/request-changes/", MilestoneRequestChangesView.as_view(),
         name="milestone-request-changes"),
    path("contracts/<uuid:pk>/payments/", ContractPaymentsView.as_view(), name="contract-payments"),
    path("payouts/onboarding-link/", OnboardingLinkView.as_view(), name="payouts-onboarding-link"),
    path("payouts/status/", PayoutStatusView.as_view(), name="payouts-status"),
]
