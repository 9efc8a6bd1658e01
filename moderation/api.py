"""POST /api/v1/reports/: the same rules and errors as the report form (moderation.services)."""

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .models import Report, ReportReason, TargetKind

ERROR = inline_serializer("ReportError", {"error": inline_serializer("ReportErrorBody", {
    "code": serializers.CharField(), "message": serializers.CharField(),
    "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)})})


class ReportInSerializer(serializers.Serializer):
    target_kind = serializers.ChoiceField(choices=TargetKind.choices)
    target_id = serializers.UUIDField(help_text="The profile's user id, or the job, question, review or message id.")
    reason = serializers.ChoiceField(choices=ReportReason.choices)
    details = serializers.CharField(max_length=services.DETAILS_MAX, required=False, allow_blank=True,
                                    help_text="Required when reason is `other`.")


class ReportSerializer(serializers.ModelSerializer):
    """What the reporter sent and where it stands; never who else reported or what staff wrote."""

    class Meta:
        model = Report
        fields = ["id", "target_kind", "target_id", "reason", "details", "status", "created_at"]


class ReportCreateView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(request=ReportInSerializer,
                   responses={201: ReportSerializer, 200: ReportSerializer, 400: ERROR, 401: ERROR, 403: ERROR,
                              404: ERROR, 429: ERROR},
                   description="201 with the new report; 200 with the same report when the caller already has an "
                               "open report on that content. 404 when it does not exist or the caller cannot see it; "
                               "403 for one's own content; 429 `rate_limited` after 20 reports in 24 hours.")
    def post(self, request):
        data = ReportInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report, created = services.report_create(actor=request.user, request=request, **data.validated_data)
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


urlpatterns = [
    path("reports/", ReportCreateView.as_view(), name="report-create"),
]
