from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import PermissionDenied, ValidationFailed
from core.throttling import AuthThrottle
from notifications import security

from . import api_phone, selectors, services, twofactor
from .models import ApiToken, User


class MeSerializer(serializers.ModelSerializer):
    phone_verified = serializers.BooleanField(read_only=True)
    email_verified = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "role", "full_name", "phone", "phone_verified", "email_verified"]

    def get_email_verified(self, user) -> bool:
        return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]


class TokenCreatedSerializer(TokenSerializer):
    token = serializers.CharField(read_only=True)

    class Meta(TokenSerializer.Meta):
        fields = ["token", *TokenSerializer.Meta.fields]


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    name = serializers.CharField(required=False, allow_blank=True, max_length=80)


class TokenObtainView(APIView):
    """Exchange email + password for a bearer token (counts towards the axes lockout)."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AuthThrottle]

    @extend_schema(request=TokenRequestSerializer, responses={201: TokenCreatedSerializer}, auth=[])
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, email=data.validated_data["email"], password=data.validated_data["password"])
        if user is None:
            # One answer for unknown email and wrong password: no account enumeration.
            raise ValidationFailed("Email or password is incorrect.")
        if not EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists():
            raise PermissionDenied("Verify your email address before using the API.", code="email_unverified")
        if twofactor.needs_two_factor(user) or twofactor.has_authenticator(user):
            # A password alone must not mint a credential for an account that signs in with
            # two factors (or must: staff); such tokens are made on the settings page.
            raise PermissionDenied(
                "This account signs in with two-factor authentication. Create a token on the "
                "API tokens page of your account settings instead.", code="two_factor_required",
            )
        token, raw = services.api_token_create(actor=user, name=data.validated_data.get("name") or "API token", request=request)
        security.api_token_created(user, token, request=request)
        body = TokenSerializer(token).data | {"token": raw}
        return Response(body, status=status.HTTP_201_CREATED)


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class TokenListView(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = TokenSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ApiToken.objects.none()
        return selectors.tokens_of(self.request.user)


class TokenRevokeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, token_id):
        token = selectors.token_of(request.user, token_id)
        services.api_token_revoke(actor=request.user, token=token, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    path("tokens/", TokenListView.as_view(), name="token-list"),
    path("tokens/<uuid:token_id>/", TokenRevokeView.as_view(), name="token-revoke"),
]

urlpatterns += api_phone.urlpatterns  # phone verification (accounts/api_phone.py)
