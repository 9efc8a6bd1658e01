"""/api/v1/ money endpoints (payouts) and the money serializers. Same services and selectors
as the web views. The milestone actions and a contract's payments are in contracts.api."""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

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


def provider_error(exc: GatewayError) -> Response:
    code = "payment_provider_rejected" if isinstance(exc, GatewayRejected) else "payment_provider_unavailable"
    message = ("The payment provider refused the request." if isinstance(exc, GatewayRejected)
               else "The payment provider is unavailable. Nothing was charged; try again in a minute.")
    return Response({"error": {"code": code, "message": message}}, status=status.HTTP_502_BAD_GATEWAY)


class OnboardingLinkView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: inline_serializer("OnboardingLink", {"url": serializers.URLField()}),
                                            403: ERRORS[403], 502: ERRORS[502]})
    def post(self, request):
        try:
            url = services.onboarding_link(actor=request.user, request=request)
        except GatewayError as exc:
            return provider_error(exc)
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
    path("payouts/onboarding-link/", OnboardingLinkView.as_view(), name="payouts-onboarding-link"),
    path("payouts/status/", PayoutStatusView.as_view(), name="payouts-status"),
]
