"""The public directory (web) and what a homeowner may invite to."""

from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from credentials.models import Credential
from credentials.selectors import prefetch_public
from jobs.models import Job
from reviews.selectors import contractors_directory

from .models import PortfolioPhoto

SORTS = {
    "rating": (F("rating_avg").desc(nulls_last=True), "-rating_count", "business_name", "pk"),
    "reviews": ("-rating_count", F("rating_avg").desc(nulls_last=True), "business_name", "pk"),
    "jobs": ("-completed_jobs", F("rating_avg").desc(nulls_last=True), "business_name", "pk"),
    "name": ("business_name", "pk"),
}


def directory(*, category="", zip_code="", radius_miles=None, min_rating=None, verified_only=False, sort="rating"):
    profiles = contractors_directory(category=category, zip_code=zip_code, radius_miles=radius_miles,
                                     min_rating=min_rating)
    if verified_only:
        profiles = profiles.filter(Exists(Credential.objects.filter(
            contractor=OuterRef("user_id"), status=Credential.Status.VERIFIED, expires_on__gt=timezone.localdate())))
    return profiles.order_by(*SORTS.get(sort, SORTS["rating"])).prefetch_related(prefetch_public())


def invitable_jobs(user) -> list[Job]:
    if not (user.is_authenticated and user.is_homeowner):
        return []
    return list(Job.objects.filter(homeowner=user, status=Job.Status.OPEN, hidden_at__isnull=True).only("id", "title").order_by("-created_at"))


def portfolio_of(contractor_id) -> list:
    return list(PortfolioPhoto.objects.filter(contractor_id=contractor_id).only("id", "caption", "position"))
