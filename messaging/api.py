"""GET/POST /api/v1/contracts/{id}/messages/ and POST .../messages/read/: the same
selectors and services as the contract page. JSON or multipart (`body` + `files`)."""

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import CursorPagination

from . import selectors, services
from .models import Attachment, Message

ERROR = inline_serializer("MessageError", {"error": inline_serializer("MessageErrorBody", {
    "code": serializers.CharField(), "message": serializers.CharField(),
    "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)})})


class MessageAttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField(help_text="Works for the caller only, for 10 minutes.")

    class Meta:
        model = Attachment
        fields = ["id", "name", "kind", "content_type", "size_bytes", "url"]

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(selectors.attachment_url(obj, self.context["request"].user))


class ContractMessageSerializer(serializers.ModelSerializer):
    contract = serializers.UUIDField(source="contract_id", read_only=True)
    author = serializers.SerializerMethodField()
    attachments = MessageAttachmentSerializer(many=True, read_only=True)
    removed_by_moderators = serializers.SerializerMethodField(
        help_text="The moderators' reason when the message was removed (only its author and staff still get it: "
                  "body and attachments empty for the author); else null.")

    class Meta:
        model = Message
        fields = ["id", "contract", "author", "body", "attachments", "created_at", "removed_by_moderators"]

    def get_author(self, obj) -> dict:
        return {"id": str(obj.author_id), "display_name": obj.author.display_name}

    def get_removed_by_moderators(self, obj) -> str | None:
        return obj.hidden_reason if obj.hidden_at else None

    def to_representation(self, obj):
        data = super().to_representation(obj)
        if obj.hidden_at and not self.context["request"].user.is_staff:
            data["body"], data["attachments"] = "", []
        return data


class ContractMessageInSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=services.MAX_BODY, required=False, allow_blank=True)


class MessagePagination(CursorPagination):
    ordering = "-created_at"


class ThreadView(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser]
    serializer_class = ContractMessageSerializer
    pagination_class = MessagePagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        contract = selectors.thread_contract_for(self.request.user, self.kwargs["pk"])
        return selectors.messages_of(contract, self.request.user)

    @extend_schema(request={"application/json": ContractMessageInSerializer, "multipart/form-data": ContractMessageInSerializer},
                   responses={201: ContractMessageSerializer, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR})
    def post(self, request, pk):
        contract = selectors.thread_contract_for(request.user, pk)
        data = ContractMessageInSerializer(data={"body": request.data.get("body", "")})
        data.is_valid(raise_exception=True)
        files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
        # A retried POST with the same `Idempotency-Key` is answered by core.idempotency
        # (the first response, replayed) before it reaches this view.
        message = services.message_post(actor=request.user, contract_id=contract.pk,
                                        body=data.validated_data.get("body", ""), files=files, request=request)
        message = selectors.messages_of(contract, request.user).get(pk=message.pk)
        return Response(ContractMessageSerializer(message, context={"request": request}).data, status=status.HTTP_201_CREATED)


class ThreadReadView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None, 404: ERROR})
    def post(self, request, pk):
        contract = selectors.thread_contract_for(request.user, pk)
        services.thread_mark_read(actor=request.user, contract=contract)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("contracts/<uuid:pk>/messages/", ThreadView.as_view(), name="contract-messages"),
    path("contracts/<uuid:pk>/messages/read/", ThreadReadView.as_view(), name="contract-messages-read"),
]
