"""The contractor directory API builds each contractor by hand (directory/api.py, for speed):
it must say exactly what DRF's generic walk of the declared fields says, for a bare profile
and for one with a logo, trades, rating, metrics, credentials in every state and portfolio."""

import json

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from accounts.models import ContractorProfile
from credentials.tests.factories import add_credential, verified
from directory import selectors, services
from directory.api import ContractorDetailSerializer, ContractorDetailView, ContractorListView, ContractorSerializer
from directory.models import ContractorStats
from directory.tests.test_logo import big_jpeg_with_gps

pytestmark = pytest.mark.django_db


def _rendered(data):
    """As it goes over the wire (the JSON renderer turns dates and decimals into strings)."""
    return json.loads(json.dumps(data, default=str))


@pytest.mark.parametrize("serializer_class", [ContractorSerializer, ContractorDetailSerializer])
def test_hand_built_output_equals_the_generic_one(serializer_class, contractor, staff_user):
    from accounts.tests.factories import ContractorFactory

    bare = ContractorFactory()
    services.logo_set(actor=contractor, image=big_jpeg_with_gps())
    ContractorProfile.objects.filter(user=contractor).update(rating_avg="4.50", rating_count=2, completed_jobs=3)
    ContractorStats.objects.create(contractor=contractor, contracts=10, contracts_disputed=1, milestones_completed=6,
                                   milestones_on_time=5, reply_samples=6, reply_median_minutes=90,
                                   computed_at=timezone.now())
    verified(contractor, "license", staff=staff_user)
    add_credential(contractor, "insurance")
    request = APIRequestFactory().get("/api/v1/contractors/")
    view = ContractorDetailView() if serializer_class is ContractorDetailSerializer else ContractorListView()
    view.request, view.kwargs, view.format_kwarg = request, {}, None
    view.request.query_params = {}
    for profile in view.get_queryset().filter(user__in=[contractor, bare]):
        serializer = serializer_class(context={"request": request})
        fast = serializer.to_representation(profile)
        generic = serializers.ModelSerializer.to_representation(serializer, profile)
        assert _rendered(fast) == _rendered(generic)
        assert list(fast) == list(generic)  # same key order too
    data = ContractorSerializer(context={"request": request}).to_representation(
        selectors.directory().get(user=contractor))
    assert data["rating_avg"] == "4.50" and data["metrics"]["dispute_rate"] == 0.1
    assert {c["kind"]: c["status"] for c in data["credentials"]} == {"license": "verified", "insurance": "submitted"}
    assert data["verified"]["license"] is True and data["verified"]["insurance"] is False
