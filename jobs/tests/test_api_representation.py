"""GET /api/v1/jobs/ builds each job by hand (jobs/api/serializers.py, for speed): it must say
exactly what DRF's generic walk of the declared fields says, for every kind of viewer."""

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory, force_authenticate

from bids.tests.factories import BidFactory
from contracts.tests.factories import contract_for
from jobs import selectors, services
from jobs.api.serializers import JobSerializer
from jobs.models import Job

from .factories import JobFactory
from .images import upload

pytestmark = pytest.mark.django_db


def _generic(serializer, job):
    data = serializers.ModelSerializer.to_representation(serializer, job)
    if not selectors.can_see_address(serializer._user(), job):
        data.pop("address", None)
    return data


def _request(user):
    request = APIRequestFactory().get("/api/v1/jobs/?zip=78701")
    if user is not None:
        force_authenticate(request, user)
        request.user = user
    return request


def test_hand_built_output_equals_the_generic_one(homeowner, contractor, staff_user):
    job = JobFactory(homeowner=homeowner, address="12 Elm St")
    services.photo_add(actor=homeowner, job=job, image=upload(), caption="Leak under the sink")
    services.photo_add(actor=homeowner, job=job, image=upload())
    BidFactory(job=job)
    awarded = contract_for(homeowner=homeowner, contractor=contractor).job
    for viewer in (None, homeowner, contractor, staff_user):
        request = _request(viewer)
        jobs = selectors.with_bid_count(Job.objects.filter(pk__in=[job.pk, awarded.pk])).select_related(
            "category", "homeowner").prefetch_related("photos")
        for row in jobs:
            row.distance = 3.14159
            serializer = JobSerializer(context={"request": request})
            fast, generic = serializer.to_representation(row), _generic(serializer, row)
            assert fast == generic, viewer
            assert list(fast) == list(generic)  # same key order too
    owner_view = JobSerializer(context={"request": _request(homeowner)}).to_representation(job)
    assert owner_view["address"] == "12 Elm St" and len(owner_view["photos"]) == 2
    assert "address" not in JobSerializer(context={"request": _request(None)}).to_representation(job)
