"""Review endpoints of API.md (the contractor directory is in directory.api)."""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts.selectors import contract_for

from . import selectors, services
from .models import Review

ERROR = inline_serializer("ReviewError", {"error": inline_serializer("ReviewErrorBody", {
    "code": serializers.CharField(), "message": serializers.CharField(),
    "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)})})


class ReviewPersonSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    display_name = serializers.CharField()


class ReviewSerializer(serializers.ModelSerializer):
    contract = serializers.UUIDField(source="contract_id", read_only=True)
    author = ReviewPersonSerializer(read_only=True)
    subject = ReviewPersonSerializer(read_only=True)
    removed = serializers.SerializerMethodField()
    rating = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = ["id", "contract", "author", "subject", "author_role", "rating", "body", "status", "after_dispute",
                  "reply_body", "replied_at", "removed", "published_at", "created_at"]

    def get_removed(self, obj) -> str | None:
        """"removed by staff: <reason>" when staff hid it; the rating and text are withheld."""
        return f"Removed by staff: {obj.hidden_reason}" if obj.status == Review.Status.HIDDEN else None

    def get_rating(self, obj) -> int | None:
        return None if obj.status == Review.Status.HIDDEN else obj.rating

    def get_body(self, obj) -> str | None:
        return None if obj.status == Review.Status.HIDDEN else obj.body


class ReviewInSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    body = serializers.CharField(max_length=2000)


class ContractReviewView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(request=ReviewInSerializer, responses={201: ReviewSerializer, 400: ERROR, 403: ERROR, 404: ERROR,
                                                          409: ERROR})
    def post(self, request, pk):
        contract = contract_for(request.user, pk)
        data = ReviewInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_submit(actor=request.user, contract_id=contract.pk, request=request,
                                        **data.validated_data)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class UserReviewsView(generics.ListAPIView):
    """Published reviews about a user (removed ones show only staff's reason)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = ReviewSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        user = get_object_or_404(get_user_model(), pk=self.kwargs["pk"], is_active=True)
        return selectors.public_reviews_of(user.pk)


urlpatterns = [
    path("contracts/<uuid:pk>/reviews/", ContractReviewView.as_view(), name="contract-reviews"),
    path("users/<uuid:pk>/reviews/", UserReviewsView.as_view(), name="user-reviews"),
]
