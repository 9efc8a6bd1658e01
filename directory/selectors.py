"""The public directory (web and API), contractor profiles and what they show, the
homeowner summary bidders see, and what a homeowner may invite to."""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db.models import Avg, Count, Exists, F, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import ContractorProfile, User
from accounts.selectors import contractors_seen_by
from contracts.models import Contract, Milestone
from credentials.models import Credential
from credentials.selectors import prefetch_public
from jobs.models import Job
from reviews.models import Review
from reviews.selectors import contractors_directory, public_reviews_of

from . import metrics
from .metrics import Metrics
from .models import Invitation, Logo, PortfolioPhoto

SORTS = {
    "rating": (F("rating_avg").desc(nulls_last=True), "-rating_count", "business_name", "pk"),
    "reviews": ("-rating_count", F("rating_avg").desc(nulls_last=True), "business_name", "pk"),
    "jobs": ("-completed_jobs", F("rating_avg").desc(nulls_last=True), "business_name", "pk"),
    "name": ("business_name", "pk"),
}
# The logo and the metrics row ride along with the profile: one join, no query per card.
PROFILE_EXTRAS = ("user__contractor_logo", "user__contractor_stats")
HOMEOWNER_REVIEWS_SHOWN = 3


def directory(*, category="", zip_code="", radius_miles=None, min_rating=None, verified_only=False, sort="rating"):
    profiles = contractors_directory(category=category, zip_code=zip_code, radius_miles=radius_miles,
                                     min_rating=min_rating)
    if verified_only:
        profiles = profiles.filter(Exists(Credential.objects.filter(
            contractor=OuterRef("user_id"), status=Credential.Status.VERIFIED, expires_on__gt=timezone.localdate())))
    return (profiles.order_by(*SORTS.get(sort, SORTS["rating"])).select_related(*PROFILE_EXTRAS)
            .prefetch_related(prefetch_public()))


def public_profile(user_id, viewer=None) -> ContractorProfile:
    """A listed contractor's profile with its logo and metrics row; 404 for anyone else, but
    its owner and staff still open one removed by moderators or suspended (and see why)."""
    return get_object_or_404(contractors_seen_by(viewer, user_id).select_related(*PROFILE_EXTRAS), user_id=user_id)


def metrics_of(profile: ContractorProfile) -> Metrics:
    """The profile's metrics, from the row joined by PROFILE_EXTRAS (no query). Jobs
    completed is the profile's counter, kept by contracts' completion in the same
    transaction as the contract it counts."""
    return Metrics.of(profile.completed_jobs, getattr(profile.user, "contractor_stats", None))


def logo_of(user) -> Logo | None:
    return getattr(user, "contractor_logo", None)


def logos_for(user_ids) -> dict:
    """user id -> Logo, one query for a page of bids."""
    return {logo.contractor_id: logo for logo in Logo.objects.filter(contractor_id__in=list(user_ids))}


def invitable_jobs(user) -> list[Job]:
    if not (user.is_authenticated and user.is_homeowner):
        return []
    return list(Job.objects.filter(homeowner=user, status=Job.Status.OPEN, hidden_at__isnull=True).only("id", "title").order_by("-created_at"))


def portfolio_of(contractor_id) -> list:
    return list(PortfolioPhoto.objects.filter(contractor_id=contractor_id).only("id", "caption", "position"))


def invitations_of(user):
    """A contractor's invitations received, a homeowner's sent; newest first."""
    mine = Q(contractor=user) if user.is_contractor else Q(homeowner=user)
    return (Invitation.objects.filter(mine).select_related("job", "homeowner", "contractor__contractor_profile")
            .order_by("-created_at", "-pk"))


def own_job(user, job_id) -> Job:
    """The caller's own job; anyone else's answers 404 like a job that does not exist."""
    return get_object_or_404(Job.objects.filter(homeowner_id=user.pk), pk=job_id)


# --- the homeowner, as bidders see them ---------------------------------------------------
@dataclass
class HomeownerSummary:
    member_since: datetime
    jobs_posted: int
    hires: int
    funded_on_time: int
    funding_counted: int
    review_count: int
    review_avg: float | None
    reviews: list = field(default_factory=list)

    @property
    def funding_grace_days(self) -> int:
        return metrics.FUNDING_GRACE.days


SUMMARY_SECONDS = 60


def _summary_key(homeowner_id) -> str:
    return f"homeowner-summary:{homeowner_id}"


def forget_homeowner_summary(homeowner_id) -> None:
    cache.delete(_summary_key(homeowner_id))


def homeowner_summary(homeowner: User) -> HomeownerSummary:
    """What a contractor deciding whether to bid may know of the homeowner: their record on
    the platform, never anything about bids (no counts, amounts or bidders, on this job or
    any other).

    Cached a minute per homeowner: it was a third of a contractor's job page (five queries),
    and contractors look at several jobs of the same homeowner. Counts may lag that minute;
    the reviews it shows may not, so a review's change forgets it at once (directory/apps.py)."""
    key = _summary_key(homeowner.pk)
    summary = cache.get(key)
    if summary is None:
        summary = _homeowner_summary(homeowner)
        cache.set(key, summary, SUMMARY_SECONDS)
    return summary


def _homeowner_summary(homeowner: User) -> HomeownerSummary:
    jobs_posted = Job.objects.filter(homeowner=homeowner, published_at__isnull=False).count()
    hires = Contract.objects.filter(homeowner=homeowner).exclude(status=Contract.Status.CANCELLED).count()
    rows = (Milestone.objects.filter(contract__homeowner=homeowner)
            .exclude(contract__status=Contract.Status.CANCELLED)
            .order_by("contract_id", "position")
            .values("contract_id", "position", "funded_at", "closed_at", contract_created_at=F("contract__created_at")))
    on_time, counted = metrics.funding_record(rows, timezone.now())
    from_contractors = Review.objects.filter(subject=homeowner, author_role="contractor")
    totals = from_contractors.filter(status=Review.Status.PUBLISHED).aggregate(n=Count("id"), avg=Avg("rating"))
    latest = list(public_reviews_of(homeowner.pk).filter(author_role="contractor")[:HOMEOWNER_REVIEWS_SHOWN])
    return HomeownerSummary(member_since=homeowner.date_joined, jobs_posted=jobs_posted, hires=hires,
                            funded_on_time=on_time, funding_counted=counted, review_count=totals["n"],
                            review_avg=totals["avg"], reviews=latest)
