"""Who sees which review: published ones (and staff-removal notices) are public; a
submitted review is seen only by its author (and staff) until publication."""

from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import ContractorProfile
from accounts.selectors import listed
from core.geo import lookup_zip, zips_within

from .models import Review

RECENT_ON_PROFILE = 5
MAX_RADIUS_MILES = 200


def public_reviews_of(user_id) -> QuerySet[Review]:
    return (Review.objects.filter(subject_id=user_id, status__in=Review.PUBLIC)
            .select_related("author", "subject", "contract__job").order_by("-published_at", "-created_at"))


def recent_reviews_of(user_id, limit: int = RECENT_ON_PROFILE) -> list[Review]:
    return list(public_reviews_of(user_id)[:limit])


def public_review(pk) -> Review:
    return get_object_or_404(Review.objects.filter(status__in=Review.PUBLIC), pk=pk)


def reviews_of_contract_for(user, contract) -> list[Review]:
    """On the contract's review page: both reviews once public, otherwise only one's own."""
    reviews = Review.objects.filter(contract=contract).select_related("author", "subject")
    if not user.is_staff:
        reviews = reviews.filter(Q(status__in=Review.PUBLIC) | Q(author=user))
    return list(reviews.order_by("created_at"))


def contractors_directory(*, category: str = "", zip_code: str = "", radius_miles: int | None = None,
                          min_rating=None) -> QuerySet[ContractorProfile]:
    """Public contractor profiles, filtered. Distance is measured between ZIP centroids:
    contractors store a ZIP, not a position. Without radius_miles a contractor matches a
    ZIP inside their own service radius."""
    profiles = (listed(ContractorProfile.objects.all())
                .select_related("user").prefetch_related("trades")
                .order_by(F("rating_avg").desc(nulls_last=True), "-rating_count", "business_name", "pk"))
    if category:
        profiles = profiles.filter(trades__slug=category)
    if min_rating is not None:
        profiles = profiles.filter(rating_avg__gte=min_rating)
    if zip_code:
        place = lookup_zip(zip_code)
        if place is None:
            return profiles.none()
        radius = min(int(radius_miles), MAX_RADIUS_MILES) if radius_miles else MAX_RADIUS_MILES
        near = zips_within(place.latitude, place.longitude, radius)
        profiles = profiles.filter(zip_code__in=list(near))
        if not radius_miles:
            # Only those whose own service area reaches this ZIP (one extra, flat query).
            candidates = profiles.values_list("pk", "zip_code", "service_radius_miles")
            profiles = profiles.filter(pk__in=[pk for pk, z, r in candidates if near[z] <= r])
    return profiles
