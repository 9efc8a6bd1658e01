"""POST /me/phone/ (send a code) and POST /me/phone/verify/ (check it). See accounts/phone.py."""

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_body

from . import phone as phone_service


class PhoneStartSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=40, help_text="E.164 (+15125550100) or a US national format.")


class PhoneVerifySerializer(serializers.Serializer):
    code = serializers.CharField(max_length=12)


PhoneStartResponse = inline_serializer(
    "PhoneCodeSent", {"phone": serializers.CharField(), "expires_at": serializers.DateTimeField()}
)
PhoneVerifiedResponse = inline_serializer(
    "PhoneVerified", {"phone": serializers.CharField(), "phone_verified": serializers.BooleanField()}
)


def _rate_limited(exc: phone_service.RateLimited) -> Response:
    response = Response(error_body(exc.code, exc.message), status=exc.status_code)
    response["Retry-After"] = str(exc.retry_after)
    return response


class PhoneStartView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=PhoneStartSerializer, responses={202: PhoneStartResponse})
    def post(self, request):
        data = PhoneStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            verification = phone_service.phone_start(actor=request.user, phone=data.validated_data["phone"], request=request)
        except phone_service.RateLimited as exc:
            return _rate_limited(exc)
        # 202: the code is sent by a task after this response, never inside the request.
        return Response({"phone": verification.phone, "expires_at": verification.expires_at}, status=status.HTTP_202_ACCEPTED)


class PhoneVerifyView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=PhoneVerifySerializer, responses={200: PhoneVerifiedResponse})
    def post(self, request):
        data = PhoneVerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = phone_service.phone_verify(actor=request.user, code=data.validated_data["code"], request=request)
        return Response({"phone": user.phone, "phone_verified": user.phone_verified})


urlpatterns = [
    path("me/phone/", PhoneStartView.as_view(), name="me-phone"),
    path("me/phone/verify/", PhoneVerifyView.as_view(), name="me-phone-verify"),
]
