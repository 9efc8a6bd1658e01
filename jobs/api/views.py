from abc import ABCMeta, abstractmethod

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts import services as contract_services
from core.cache import SharedPages
from core.exceptions import ValidationFailed
from jobs import selectors, services
from jobs.models import Category, Job
from jobs.signals import ADDITIONS_GRACE_SECONDS, PAGE_CACHE

from .filters import JobFilter
from .serializers import (
    AnswerSerializer,
    CancelSerializer,
    CategorySerializer,
    JobPatchSerializer,
    JobSerializer,
    JobWriteSerializer,
    PhotoSerializer,
    PhotoUploadSerializer,
    QuestionSerializer,
)

ERRORS = {
    400: OpenApiResponse(description="validation_error"),
    403: OpenApiResponse(description="permission_denied"),
    404: OpenApiResponse(description="not_found"),
    409: OpenApiResponse(description="invalid_state or conflict"),
}


class CategoryListView(generics.ListAPIView):
    """Trades. Small and fixed, so returned whole (no pagination)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = CategorySerializer
    pagination_class = None
    queryset = Category.objects.all()


# The open-jobs listing is what partners poll most; every caller who sees its jobs as the
# public does gets the same page, so it is shared like the board's pages for signed-out
# visitors: stale at once when a listed job changes or leaves, a new job shows within the
# board's grace, and the lifetime bounds what no save announces (a homeowner's new name).
LISTING_CACHE_SECONDS = 30
_OWN_JOBS = {"true", "1"}


class JobListCreateView(generics.ListCreateAPIView):
    """Open jobs (anyone), or with mine=true the caller's own jobs; POST creates a job (homeowners)."""

    serializer_class = JobSerializer
    filterset_class = JobFilter
    filter_backends = [*generics.ListCreateAPIView.filter_backends, OrderingFilter]
    ordering_fields = ["created_at", "bidding_deadline", "published_at"]
    ordering = "-created_at"

    def get_queryset(self):
        return Job.objects.none()  # JobFilter builds the real queryset from the selectors

    def list(self, request, *args, **kwargs):
        if any(value.lower() in _OWN_JOBS for value in request.query_params.getlist("mine")):
            return super().list(request, *args, **kwargs)  # the caller's own jobs: personal
        shelf = SharedPages(PAGE_CACHE, LISTING_CACHE_SECONDS, ADDITIONS_GRACE_SECONDS)
        # The absolute URL: links (next page, photos) are built from the host that was asked.
        key = shelf.key("api:" + request.build_absolute_uri())
        cached, stamp = shelf.lookup(key)
        if cached is not None and selectors.sees_open_jobs_as_public(request.user, cached["owners"]):
            response = Response(cached["body"])
            response["X-Page-Cache"] = "hit"
            return response
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        if selectors.listing_is_public_to(request.user, page):
            shelf.store(key, stamp, {"owners": {job.homeowner_id for job in page}, "body": response.data})
            response["X-Page-Cache"] = "miss"
        return response

    @extend_schema(request=JobWriteSerializer, responses={201: JobSerializer, **ERRORS})
    def post(self, request):
        data = JobWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        publish = fields.pop("publish", False)
        job = services.job_create(actor=request.user, publish=publish, request=request, **fields)
        job = selectors.job_for(request.user, job.pk)
        return Response(JobSerializer(job, context={"request": request}).data, status=status.HTTP_201_CREATED)


class JobDetailView(APIView):
    serializer_class = JobSerializer

    @extend_schema(responses={200: JobSerializer, 404: ERRORS[404]})
    def get(self, request, pk):
        job = selectors.job_for(request.user, pk)
        return Response(JobSerializer(job, context={"request": request}).data)

    @extend_schema(request=JobPatchSerializer, responses={200: JobSerializer, **ERRORS})
    def patch(self, request, pk):
        job = selectors.job_owned_by(request.user, pk)
        data = JobPatchSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        if not data.validated_data:
            raise ValidationFailed("Send at least one field to change.")
        services.job_update(actor=request.user, job=job, request=request, **data.validated_data)
        return Response(JobSerializer(selectors.job_for(request.user, pk), context={"request": request}).data)


class _JobAction(APIView, metaclass=ABCMeta):
    """POST /jobs/{id}/<action>/ for the owner; the service checks the transition (409)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = JobSerializer

    @abstractmethod
    def act(self, request, job):
        """Call the service for this action; it raises InvalidState (409) on a wrong status."""

    @extend_schema(request=None, responses={200: JobSerializer, **ERRORS})
    def post(self, request, pk):
        job = selectors.job_owned_by(request.user, pk)
        self.act(request, job)
        return Response(JobSerializer(selectors.job_for(request.user, pk), context={"request": request}).data)


class JobPublishView(_JobAction):
    def act(self, request, job):
        services.job_publish(actor=request.user, job=job, request=request)


class JobCloseBiddingView(_JobAction):
    def act(self, request, job):
        services.job_close_bidding(actor=request.user, job=job, request=request)


class JobCancelView(_JobAction):
    @extend_schema(request=CancelSerializer, responses={200: JobSerializer, **ERRORS})
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, job):
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contract_services.job_cancel(actor=request.user, job=job, reason=data.validated_data.get("reason", ""), request=request)


class JobPhotosView(APIView):
    """GET: the job's photos (anyone who can see the job). POST: the owner adds one (multipart `image`)."""

    parser_classes = [MultiPartParser, FormParser]
    serializer_class = PhotoSerializer

    @extend_schema(responses={200: PhotoSerializer(many=True), 404: ERRORS[404]})
    def get(self, request, pk):
        job = selectors.job_for(request.user, pk)
        return Response(PhotoSerializer(job.photos.all(), many=True, context={"request": request}).data)

    @extend_schema(request={"multipart/form-data": PhotoUploadSerializer}, responses={201: PhotoSerializer, **ERRORS})
    def post(self, request, pk):
        job = selectors.job_owned_by(request.user, pk)
        data = PhotoUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        photo = services.photo_add(
            actor=request.user, job=job, image=data.validated_data["image"],
            caption=data.validated_data.get("caption", ""), request=request,
        )
        return Response(PhotoSerializer(photo, context={"request": request}).data, status=status.HTTP_201_CREATED)


class JobQuestionsView(generics.ListCreateAPIView):
    """Public Q&A of a job; contractors ask. Askers are never named."""

    serializer_class = QuestionSerializer
    pagination_class = type("QuestionPagination", (generics.ListCreateAPIView.pagination_class,), {"ordering": "created_at"})

    def get_job(self):
        return selectors.job_for(self.request.user, self.kwargs["pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Job.objects.none()
        return selectors.questions_for(self.request.user, self.get_job())

    @extend_schema(request=QuestionSerializer, responses={201: QuestionSerializer, **ERRORS})
    def post(self, request, pk):
        job = self.get_job()
        data = QuestionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = services.question_ask(actor=request.user, job=job, body=data.validated_data["body"], request=request)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)


class QuestionAnswerView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = QuestionSerializer

    @extend_schema(request=AnswerSerializer, responses={200: QuestionSerializer, **ERRORS})
    def post(self, request, pk):
        question = selectors.question_of_owner(request.user, pk)
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            question = services.question_answer(
                actor=request.user, question=question, answer=data.validated_data["answer"], request=request
            )
        return Response(QuestionSerializer(question).data)
