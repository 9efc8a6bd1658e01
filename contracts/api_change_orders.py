"""/api/v1/ change orders and contract versions: the same services and visibility as the
contract page. Parties propose and answer; staff read; everyone else gets 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core import once

from . import selectors
from .models import ChangeOrder, ChangeOrderItem, ContractVersion
from .services import change_orders as service

ERROR = inline_serializer("ChangeOrderError", {"error": inline_serializer("ChangeOrderErrorBody", {
    "code": serializers.CharField(), "message": serializers.CharField(),
    "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)})})
ERRORS = {400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}


@extend_schema_field({"type": "string", "enum": ChangeOrderItem.Kind.values, "description": "add, remove or update"},
                    component_name="ChangeOrderItemKind")
class ChangeKindField(serializers.ChoiceField):
    """Its own enum component: other apps' `kind` enums would otherwise collide in the schema."""

    def __init__(self, **kwargs):
        super().__init__(choices=ChangeOrderItem.Kind.choices, **kwargs)


class ChangeOrderItemSerializer(serializers.ModelSerializer):
    kind = ChangeKindField(read_only=True)
    milestone = serializers.UUIDField(source="milestone_id", read_only=True, allow_null=True)

    class Meta:
        model = ChangeOrderItem
        fields = ["kind", "milestone", "old_title", "old_amount_cents", "title", "amount_cents", "fee_cents"]


class ChangeOrderSerializer(serializers.ModelSerializer):
    contract = serializers.UUIDField(source="contract_id", read_only=True)
    proposed_by = serializers.UUIDField(source="proposed_by_id", read_only=True)
    decided_by = serializers.UUIDField(source="decided_by_id", read_only=True, allow_null=True)
    items = ChangeOrderItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChangeOrder
        fields = ["id", "contract", "number", "status", "proposed_by", "base_version", "reason", "new_start",
                  "new_estimated_days", "items", "decided_by", "decided_at", "decline_note", "created_at"]


class ContractVersionSerializer(serializers.ModelSerializer):
    change_order = serializers.UUIDField(source="change_order_id", read_only=True, allow_null=True)

    class Meta:
        model = ContractVersion
        fields = ["number", "change_order", "total_cents", "fee_total_cents", "start_on", "estimated_days",
                  "milestones", "created_at"]


class ChangeInSerializer(serializers.Serializer):
    kind = ChangeKindField()
    milestone = serializers.UUIDField(required=False, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=120)
    amount_cents = serializers.IntegerField(required=False, allow_null=True)


class ProposeInSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    new_start = serializers.DateField(required=False, allow_null=True)
    new_estimated_days = serializers.IntegerField(required=False, allow_null=True)
    changes = ChangeInSerializer(many=True, required=False)


def _orders(contract):
    return ChangeOrder.objects.filter(contract=contract).prefetch_related("items").order_by("-number")


class ContractChangeOrdersView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(responses={200: ChangeOrderSerializer(many=True), 404: ERROR})
    def get(self, request, pk):
        contract = selectors.contract_for(request.user, pk)
        return Response(ChangeOrderSerializer(_orders(contract), many=True).data)

    @extend_schema(request=ProposeInSerializer, responses={201: ChangeOrderSerializer, **ERRORS})
    def post(self, request, pk):
        contract = selectors.contract_for(request.user, pk)
        data = ProposeInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = [service.Change(c["kind"], c.get("milestone"), c.get("title", ""), c.get("amount_cents"))
                   for c in data.validated_data.get("changes", [])]
        try:
            with once.submit_once(request, scope="contracts.change_order.api") as claim:
                order = service.change_order_propose(
                    actor=request.user, contract_id=contract.pk, changes=changes, reason=data.validated_data["reason"],
                    new_start=data.validated_data.get("new_start"),
                    new_estimated_days=data.validated_data.get("new_estimated_days"), request=request)
                claim.done(str(order.pk))
        except once.AlreadySubmitted as repeat:
            return Response(ChangeOrderSerializer(_orders(contract).get(pk=repeat.result_url)).data)
        return Response(ChangeOrderSerializer(_orders(contract).get(pk=order.pk)).data, status=status.HTTP_201_CREATED)


class ContractVersionsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: ContractVersionSerializer(many=True), 404: ERROR})
    def get(self, request, pk):
        contract = selectors.contract_for(request.user, pk)
        return Response(ContractVersionSerializer(contract.versions.order_by("number"), many=True).data)


def _order_for(user, pk) -> ChangeOrder:
    order = get_object_or_404(ChangeOrder.objects.select_related("contract"), pk=pk)
    selectors.contract_for(user, order.contract_id)  # 404 unless the caller may see the contract
    return order


class ChangeOrderDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: ChangeOrderSerializer, 404: ERROR})
    def get(self, request, pk):
        order = _order_for(request.user, pk)
        return Response(ChangeOrderSerializer(_orders(order.contract).get(pk=order.pk)).data)


class DeclineInSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class ChangeOrderAnswerView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]
    decision = "accept"

    @extend_schema(request=DeclineInSerializer, responses={200: ChangeOrderSerializer, **ERRORS})
    def post(self, request, pk):
        order = _order_for(request.user, pk)
        if self.decision == "accept":
            service.change_order_accept(actor=request.user, change_order_id=order.pk, request=request)
        elif self.decision == "decline":
            data = DeclineInSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            service.change_order_decline(actor=request.user, change_order_id=order.pk,
                                         note=data.validated_data.get("note", ""), request=request)
        elif self.decision == "withdraw":
            service.change_order_withdraw(actor=request.user, change_order_id=order.pk, request=request)
        else:
            raise Http404
        return Response(ChangeOrderSerializer(_orders(order.contract).get(pk=order.pk)).data)


urlpatterns = [
    path("contracts/<uuid:pk>/change-orders/", ContractChangeOrdersView.as_view(), name="contract-change-orders"),
    path("contracts/<uuid:pk>/versions/", ContractVersionsView.as_view(), name="contract-versions"),
    path("change-orders/<uuid:pk>/", ChangeOrderDetailView.as_view(), name="change-order-detail"),
    path("change-orders/<uuid:pk>/accept/", ChangeOrderAnswerView.as_view(decision="accept"), name="change-order-accept"),
    path("change-orders/<uuid:pk>/decline/", ChangeOrderAnswerView.as_view(decision="decline"),
         name="change-order-decline"),
    path("change-orders/<uuid:pk>/withdraw/", ChangeOrderAnswerView.as_view(decision="withdraw"),
         name="change-order-withdraw"),
]
