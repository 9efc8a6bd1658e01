"""Dispute endpoints of API.md: open, list/read, messages, offers, accept/reject, withdraw,
escalate, and the staff decision. Same services and selectors as the web pages."""

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import PermissionDenied
from jobs.api.serializers import PartySerializer

from . import selectors, services
from .models import Dispute, DisputeFile, DisputeMessage, Offer

ERROR = inline_serializer("DisputeError", {"error": inline_serializer("DisputeErrorBody", {
    "code": serializers.CharField(), "message": serializers.CharField(),
    "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)})})
ERRORS = {400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}


@extend_schema_field({"type": "string", "enum": Dispute.Reason.values,
                     "description": "quality, incomplete, no_show, damage, payment or other"},
                    component_name="DisputeReason")
class ReasonField(serializers.ChoiceField):
    """Inline enum: another app's `reason` enum would otherwise collide in the schema."""

    def __init__(self, **kwargs):
        super().__init__(choices=Dispute.Reason.choices, **kwargs)


class DisputeFileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = DisputeFile
        fields = ["id", "name", "kind", "content_type", "size_bytes", "url", "created_at"]

    def get_url(self, obj) -> str:
        return reverse("disputes:file", args=[obj.pk])


class DisputeMessageSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    files = DisputeFileSerializer(many=True, read_only=True)

    class Meta:
        model = DisputeMessage
        fields = ["id", "author", "by_staff", "body", "files", "created_at"]

    def get_author(self, obj) -> PartySerializer:
        name = "FairTradeWorker staff" if obj.by_staff else obj.author.display_name
        return {"id": None if obj.by_staff else str(obj.author_id), "display_name": name}


class OfferSerializer(serializers.ModelSerializer):
    dispute = serializers.UUIDField(source="dispute_id", read_only=True)
    made_by = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = ["id", "dispute", "made_by", "by_staff", "contractor_amount_cents", "refund_cents", "note", "status",
                  "homeowner_accepted_at", "contractor_accepted_at", "decided_at", "created_at"]

    def get_made_by(self, obj) -> str | None:
        return None if obj.by_staff else str(obj.made_by_id)


class DisputeSerializer(serializers.ModelSerializer):
    contract = serializers.UUIDField(source="contract_id", read_only=True)
    milestone = serializers.UUIDField(source="milestone_id", read_only=True)
    opened_by = serializers.UUIDField(source="opened_by_id", read_only=True)
    messages = DisputeMessageSerializer(many=True, read_only=True)
    offers = OfferSerializer(many=True, read_only=True)
    files = DisputeFileSerializer(many=True, read_only=True, source="opening_files")
    reason = ReasonField(read_only=True)

    class Meta:
        model = Dispute
        fields = ["id", "contract", "milestone", "opened_by", "reason", "description", "requested_refund_cents",
                  "amount_cents", "currency", "status", "response_due_at", "negotiation_due_at", "deadline_at",
                  "escalated_at", "outcome", "contractor_amount_cents", "refund_cents", "fee_refund_cents",
                  "resolution_reason", "files", "messages", "offers", "created_at", "resolved_at", "withdrawn_at"]


class OpenSerializer(serializers.Serializer):
    reason = ReasonField()
    description = serializers.CharField(max_length=5000)
    requested_refund_cents = serializers.IntegerField(required=False, default=0, min_value=0)
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=10,
                                  help_text="multipart only: photos or PDFs")


class MessageInSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=10,
                                  help_text="multipart only: photos or PDFs")


class OfferInSerializer(serializers.Serializer):
    contractor_amount_cents = serializers.IntegerField(min_value=0)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ResolveInSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Dispute.Outcome.choices)
    contractor_amount_cents = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    reason = serializers.CharField(max_length=5000)


def _files(request):
    return request.FILES.getlist("files") if hasattr(request, "FILES") else []


def _detail(user, pk):
    return Response(DisputeSerializer(selectors.disputes_with_threads(user).get(pk=pk)).data)


class MilestoneDisputeView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(request={"application/json": OpenSerializer, "multipart/form-data": OpenSerializer},
                   responses={201: DisputeSerializer, **ERRORS})
    def post(self, request, pk):
        milestone = selectors.milestone_for(request.user, pk)
        data = OpenSerializer(data={k: v for k, v in request.data.items() if k != "files"})
        data.is_valid(raise_exception=True)
        dispute = services.dispute_open(actor=request.user, milestone_id=milestone.pk, files=_files(request),
                                        request=request, **data.validated_data)
        response = _detail(request.user, dispute.pk)
        response.status_code = status.HTTP_201_CREATED
        return response


class DisputeListView(generics.ListAPIView):
    """Disputes the caller is a party to (all of them for staff), newest first."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = DisputeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Dispute.objects.none()
        return selectors.disputes_with_threads(self.request.user)


class DisputeDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: DisputeSerializer, 404: ERROR})
    def get(self, request, pk):
        selectors.dispute_for(request.user, pk)
        return _detail(request.user, pk)


class DisputeMessageView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(request={"application/json": MessageInSerializer, "multipart/form-data": MessageInSerializer},
                   responses={201: DisputeMessageSerializer, **ERRORS})
    def post(self, request, pk):
        dispute = selectors.dispute_for(request.user, pk)
        data = MessageInSerializer(data={"body": request.data.get("body", "")})
        data.is_valid(raise_exception=True)
        message = services.message_post(actor=request.user, dispute_id=dispute.pk, body=data.validated_data["body"],
                                        files=_files(request), request=request)
        return Response(DisputeMessageSerializer(message).data, status=status.HTTP_201_CREATED)


class DisputeOfferView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(request=OfferInSerializer, responses={201: OfferSerializer, **ERRORS})
    def post(self, request, pk):
        dispute = selectors.dispute_for(request.user, pk)
        if dispute.party_role(request.user) is None:
            raise PermissionDenied("Only the parties make offers; staff propose outcomes in the admin.")
        data = OfferInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        offer = services.offer_make(actor=request.user, dispute_id=dispute.pk, request=request, **data.validated_data)
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)


class OfferAnswerView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    answer = "accept"

    @extend_schema(request=None, responses={200: DisputeSerializer, **ERRORS})
    def post(self, request, pk):
        offer = selectors.offer_for(request.user, pk)
        service = services.offer_accept if self.answer == "accept" else services.offer_reject
        service(actor=request.user, offer_id=offer.pk, request=request)
        return _detail(request.user, offer.dispute_id)


class DisputeStepView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    step = "withdraw"

    @extend_schema(request=None, responses={200: DisputeSerializer, **ERRORS})
    def post(self, request, pk):
        dispute = selectors.dispute_for(request.user, pk)
        service = services.dispute_withdraw if self.step == "withdraw" else services.dispute_escalate
        service(actor=request.user, dispute_id=dispute.pk, request=request)
        return _detail(request.user, dispute.pk)


class DisputeResolveView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(request=ResolveInSerializer, responses={200: DisputeSerializer, **ERRORS})
    def post(self, request, pk):
        dispute = selectors.dispute_for(request.user, pk)
        if not request.user.is_staff:
            raise PermissionDenied("Only staff can decide a dispute.")
        data = ResolveInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.dispute_resolve(actor=request.user, dispute_id=dispute.pk, request=request, **data.validated_data)
        return _detail(request.user, dispute.pk)


urlpatterns = [
    path("milestones/<uuid:pk>/disputes/", MilestoneDisputeView.as_view(), name="milestone-disputes"),
    path("disputes/", DisputeListView.as_view(), name="dispute-list"),
    path("disputes/<uuid:pk>/", DisputeDetailView.as_view(), name="dispute-detail"),
    path("disputes/<uuid:pk>/messages/", DisputeMessageView.as_view(), name="dispute-messages"),
    path("disputes/<uuid:pk>/offers/", DisputeOfferView.as_view(), name="dispute-offers"),
    path("disputes/<uuid:pk>/withdraw/", DisputeStepView.as_view(step="withdraw"), name="dispute-withdraw"),
    path("disputes/<uuid:pk>/escalate/", DisputeStepView.as_view(step="escalate"), name="dispute-escalate"),
    path("disputes/<uuid:pk>/resolve/", DisputeResolveView.as_view(), name="dispute-resolve"),
    path("offers/<uuid:pk>/accept/", OfferAnswerView.as_view(answer="accept"), name="offer-accept"),
    path("offers/<uuid:pk>/reject/", OfferAnswerView.as_view(answer="reject"), name="offer-reject"),
]
