"""/api/v1/ webhook endpoints (scope webhooks:manage) and the event catalogue."""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from . import catalogue, selectors, services
from .models import WebhookAttempt, WebhookEndpoint, WebhookMessage


class EndpointSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=list(catalogue.EVENT_TYPES)))
    secret_rotation_ends_at = serializers.DateTimeField(source="previous_secret_expires_at", read_only=True,
                                                        allow_null=True)

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "event_types", "is_enabled", "disabled_reason", "disabled_at",
                  "secret_rotation_ends_at", "created_at", "updated_at"]
        read_only_fields = fields


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="whsec_...: shown this once. Store it now.")

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class EndpointInSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, help_text="https:// (http:// only for a loopback receiver in development)")
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=list(catalogue.EVENT_TYPES)),
                                        allow_empty=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)


class EndpointPatchSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, required=False)
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=list(catalogue.EVENT_TYPES)),
                                        allow_empty=False, required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_enabled = serializers.BooleanField(required=False)


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["started_at", "duration_ms", "response_status", "response_body", "error", "triggered_by"]


class MessageSerializer(serializers.ModelSerializer):
    attempts = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookMessage
        fields = ["id", "msg_id", "event_type", "payload", "status", "attempt_count", "next_attempt_at",
                  "last_response_status", "delivered_at", "failure_reason", "created_at", "attempts"]


class EventTypeSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()


class EventTypeListView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=EventTypeSerializer(many=True))
    def get(self, request):
        return Response([{"name": k, "description": v} for k, v in catalogue.EVENT_TYPES.items()])


class EndpointListView(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = EndpointSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookEndpoint.objects.none()
        return selectors.endpoints_of(self.request.user)

    @extend_schema(request=EndpointInSerializer, responses={201: EndpointWithSecretSerializer,
                                                            409: OpenApiResponse(description="invalid_state")})
    def post(self, request):
        data = EndpointInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint, secret = services.endpoint_create(actor=request.user, request=request, **data.validated_data)
        return Response(EndpointSerializer(endpoint).data | {"secret": secret}, status=status.HTTP_201_CREATED)


class EndpointDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = EndpointSerializer

    @extend_schema(responses={200: EndpointSerializer, 404: OpenApiResponse(description="not_found")})
    def get(self, request, pk):
        return Response(EndpointSerializer(selectors.endpoint_of(request.user, pk)).data)

    @extend_schema(request=EndpointPatchSerializer, responses={200: EndpointSerializer})
    def patch(self, request, pk):
        endpoint = selectors.endpoint_of(request.user, pk)
        data = EndpointPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.endpoint_update(actor=request.user, endpoint=endpoint, request=request, **data.validated_data)
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        services.endpoint_delete(actor=request.user, endpoint=selectors.endpoint_of(request.user, pk), request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointRotateView(APIView):
    """A new secret (returned once); the old one keeps signing alongside for 24 hours."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: EndpointWithSecretSerializer})
    def post(self, request, pk):
        endpoint, secret = services.endpoint_rotate_secret(
            actor=request.user, endpoint=selectors.endpoint_of(request.user, pk), request=request)
        return Response(EndpointSerializer(endpoint).data | {"secret": secret})


class EndpointMessageListView(generics.ListAPIView):
    """The delivery log: every message with each attempt's status code, timing and error."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = MessageSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookMessage.objects.none()
        return selectors.messages_of(selectors.endpoint_of(self.request.user, self.kwargs["pk"]))


class MessageResendView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={202: MessageSerializer, 409: OpenApiResponse(description="invalid_state")})
    def post(self, request, pk):
        message = services.message_resend(actor=request.user, message=selectors.message_of(request.user, pk),
                                          request=request)
        message.refresh_from_db()
        return Response(MessageSerializer(message).data, status=status.HTTP_202_ACCEPTED)


urlpatterns = [
    path("webhook-event-types/", EventTypeListView.as_view(), name="webhook-event-types"),
    path("webhook-endpoints/", EndpointListView.as_view(), name="webhook-endpoint-list"),
    path("webhook-endpoints/<uuid:pk>/", EndpointDetailView.as_view(), name="webhook-endpoint-detail"),
    path("webhook-endpoints/<uuid:pk>/rotate-secret/", EndpointRotateView.as_view(), name="webhook-endpoint-rotate"),
    path("webhook-endpoints/<uuid:pk>/messages/", EndpointMessageListView.as_view(), name="webhook-endpoint-messages"),
    path("webhook-messages/<uuid:pk>/resend/", MessageResendView.as_view(), name="webhook-message-resend"),
]
