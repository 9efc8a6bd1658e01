from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.links import absolute_url

from . import selectors, services
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "event", "title", "body", "url", "read", "read_at", "target", "created_at"]

    def get_url(self, obj) -> str:
        return absolute_url(obj.url) if obj.url else ""

    def get_read(self, obj) -> bool:
        return obj.read_at is not None

    def get_target(self, obj) -> dict | None:
        return {"type": obj.target_type, "id": obj.target_id} if obj.target_type else None


class NotificationListView(generics.ListAPIView):
    """The caller's notifications, newest first; `?unread=true` for unread only."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = NotificationSerializer

    @extend_schema(parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread ones.")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Notification.objects.none()
        unread = self.request.query_params.get("unread", "").lower() in {"1", "true", "yes"}
        return selectors.notifications_of(self.request.user, unread_only=unread)


class NotificationReadView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, notification_id):
        notification = selectors.notification_of(request.user, notification_id)
        services.notification_mark_read(actor=request.user, notification=notification)
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses=inline_serializer("ReadAll", {"marked_read": serializers.IntegerField()}))
    def post(self, request):
        return Response({"marked_read": services.notifications_mark_all_read(actor=request.user)})


urlpatterns = [
    path("notifications/", NotificationListView.as_view(), name="notification-list"),
    path("notifications/read-all/", NotificationReadAllView.as_view(), name="notification-read-all"),
    path("notifications/<uuid:notification_id>/read/", NotificationReadView.as_view(), name="notification-read"),
]
