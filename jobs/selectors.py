"""Reads of jobs that depend on who is asking. Sealed-bid rules for bids live in bids.selectors."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.geo import EARTH_RADIUS_MILES, bounding_box, lookup_zip

from .models import Category, Job, JobPhoto, Question
from .search import apply_search

SORTS = {
    "newest": ("-published_at", "-created_at"),
    "deadline": ("bidding_deadline", "-created_at"),
    "budget_high": ("-budget_max_cents", "-created_at"),
    "budget_low": ("budget_min_cents", "-created_at"),
    "distance": ("distance", "-created_at"),
    "relevance": ("-rank", "-created_at"),
}
SORT_LABELS = {
    "newest": "Newest",
    "deadline": "Closing soonest",
    "budget_high": "Budget: high to low",
    "budget_low": "Budget: low to high",
    "distance": "Nearest",
    "relevance": "Best match",
}
MAX_RADIUS_MILES = 200


def _is_bidder(user):
    """A live bid: a contractor who withdrew is no longer a bidder, and once the job leaves
    `open` it closes to them like to anyone who never bid."""
    from bids.models import Bid

    return Exists(Bid.objects.filter(job=OuterRef("pk"), contractor=user).exclude(status=Bid.Status.WITHDRAWN))


def jobs_visible_to(user) -> QuerySet[Job]:
    """Open jobs for everyone; any status for the owner, staff, and contractors with a live bid on it.
    A job removed by moderators is seen only by its owner (who is told why) and staff."""
    jobs = Job.objects.all()
    if user is None or not user.is_authenticated:
        return jobs.filter(status=Job.Status.OPEN, hidden_at__isnull=True)
    if user.is_staff:
        return jobs
    if user.is_contractor:
        # Drafts are never shown to bidders (a job goes back to draft when no bids came).
        return jobs.filter(Q(status=Job.Status.OPEN) | (~Q(status=Job.Status.DRAFT) & Q(_is_bidder(user))),
                           hidden_at__isnull=True)
    return jobs.filter((Q(status=Job.Status.OPEN) & Q(hidden_at__isnull=True)) | Q(homeowner=user))


def may_see(user, job: Job) -> bool:
    """jobs_visible_to's rule for one job already in hand (pinned to it, case by case, in
    jobs/tests/test_visibility.py). One job page is the most requested signed-in page: a
    lookup by primary key and this check cost a third of the filtered query's CPU, and only
    a contractor looking at a job that left the board needs a second query (their bid)."""
    from bids.models import Bid

    if user is None or not user.is_authenticated:
        return job.status == Job.Status.OPEN and job.hidden_at is None
    if user.is_staff:
        return True
    if user.is_contractor:
        if job.hidden_at is not None or job.status == Job.Status.DRAFT:
            return False
        return job.status == Job.Status.OPEN or (
            Bid.objects.filter(job=job, contractor=user).exclude(status=Bid.Status.WITHDRAWN).exists())
    return (job.status == Job.Status.OPEN and job.hidden_at is None) or job.homeowner_id == user.pk


def job_for(user, pk) -> Job:
    """The job if `user` may see it, else 404 (existence is not revealed)."""
    job = Job.objects.select_related("category", "homeowner").filter(pk=pk).first()
    if job is None or not may_see(user, job):
        raise Http404("No such job.")
    prefetch_related_objects([job], "photos")
    return job


def job_owned_by(user, pk) -> Job:
    """For owner-only actions: someone else's job is a 404, like a missing one."""
    if user is None or not user.is_authenticated:
        return get_object_or_404(Job.objects.none(), pk=pk)
    return get_object_or_404(Job.objects.select_related("category", "homeowner"), pk=pk, homeowner=user)


def is_editable(job: Job) -> bool:
    """Terms can change while a draft, or while open before any (live) bid arrived."""
    if job.status == Job.Status.DRAFT:
        return True
    return job.status == Job.Status.OPEN and not job.bids.exclude(status="withdrawn").exists()


def can_see_address(user, job: Job) -> bool:
    """The street address: the owner, staff, and the contractor of the live contract only."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff or job.homeowner_id == user.pk:
        return True
    if not user.is_contractor or job.status not in (Job.Status.AWARDED, Job.Status.COMPLETED):
        return False
    return job.contracts.filter(contractor=user).exclude(status="cancelled").exists()


def can_see_bid_count(user, job: Job) -> bool:
    return bool(user is not None and user.is_authenticated and (user.is_staff or job.homeowner_id == user.pk))


def sees_open_jobs_as_public(user, homeowner_ids) -> bool:
    """Whether `user` sees open jobs of these homeowners as everyone does, with no address and
    no bid count: of an open job only its owner and staff see more (can_see_address,
    can_see_bid_count). Decides who may share a cached listing of open jobs."""
    if user is None or not user.is_authenticated:
        return True
    return not user.is_staff and user.pk not in homeowner_ids


def listing_is_public_to(user, jobs) -> bool:
    """Whether `user`'s view of this listing is everyone's, so it may be stored for others:
    open jobs only (a hired contractor sees more of an awarded one), none of them `user`'s."""
    return (all(job.status == Job.Status.OPEN for job in jobs)
            and sees_open_jobs_as_public(user, {job.homeowner_id for job in jobs}))


def with_bid_count(queryset: QuerySet[Job]) -> QuerySet[Job]:
    """Annotate `bid_total` (live bids). Only ever shown to the owner and staff."""
    from bids.models import Bid

    return queryset.annotate(bid_total=Count("bids", filter=~Q(bids__status=Bid.Status.WITHDRAWN), distinct=True))


def photos_prefetch() -> Prefetch:
    return Prefetch("photos", queryset=JobPhoto.objects.order_by("position", "created_at"))


def questions_for(user, job: Job) -> QuerySet[Question]:
    """Public Q&A; the asker is never part of what is shown (only staff see it, in admin).
    A question removed by moderators stays visible to its asker (with the reason) and staff."""
    questions = Question.objects.filter(job=job)
    signed_in = user is not None and user.is_authenticated
    if not (signed_in and user.is_staff):
        shown = Q(hidden_at__isnull=True)
        if signed_in:
            shown |= Q(asked_by=user)
        questions = questions.filter(shown)
    return questions.order_by("created_at")


def question_of_owner(user, pk) -> Question:
    return get_object_or_404(Question.objects.select_related("job"), pk=pk, job__homeowner=user)


# --- The job board ----------------------------------------------------------------------
@dataclass
class BoardFilters:
    q: str = ""
    categories: tuple = ()  # Category instances or slugs
    zip_code: str = ""
    radius_miles: int | None = None
    budget_min_cents: int | None = None
    budget_max_cents: int | None = None
    sort: str = "newest"
    favour_trades: tuple = ()  # category ids ranked first (a contractor's trades)


def _distance_expression(lat: float, lon: float):
    """Haversine in SQL (works on PostgreSQL and SQLite, which Django gives math functions)."""
    d_lat = Radians(F("latitude") - Value(lat)) / 2
    d_lon = Radians(F("longitude") - Value(lon)) / 2
    a = Power(Sin(d_lat), 2) + Cos(Radians(Value(lat))) * Cos(Radians(F("latitude"))) * Power(Sin(d_lon), 2)
    return 2 * EARTH_RADIUS_MILES * ASin(Sqrt(a))


def board(filters: BoardFilters, *, user=None) -> QuerySet[Job]:
    """Open jobs matching the filters, ordered by `filters.sort`; constant number of queries."""
    jobs = (Job.objects.filter(status=Job.Status.OPEN, hidden_at__isnull=True).select_related("category")
            .prefetch_related(photos_prefetch()))
    jobs = apply_search(jobs, filters.q)
    if filters.categories:
        slugs = [c.slug if isinstance(c, Category) else c for c in filters.categories]
        jobs = jobs.filter(category__slug__in=slugs)
    # Overlapping budget ranges: a job fits when its range meets the wanted one.
    if filters.budget_min_cents is not None:
        jobs = jobs.filter(budget_max_cents__gte=filters.budget_min_cents)
    if filters.budget_max_cents is not None:
        jobs = jobs.filter(budget_min_cents__lte=filters.budget_max_cents)
    place = lookup_zip(filters.zip_code) if filters.zip_code else None
    if place is not None:
        jobs = jobs.annotate(distance=_distance_expression(place.latitude, place.longitude))
        if filters.radius_miles:
            radius = min(int(filters.radius_miles), MAX_RADIUS_MILES)
            lat_min, lat_max, lon_min, lon_max = bounding_box(place.latitude, place.longitude, radius)
            # The box uses the (latitude, longitude) index; the exact distance trims its corners.
            jobs = jobs.filter(
                latitude__range=(lat_min, lat_max), longitude__range=(lon_min, lon_max), distance__lte=radius
            )
    sort = filters.sort if filters.sort in SORTS else "newest"
    if sort == "distance" and place is None:
        sort = "newest"
    if sort == "relevance" and not filters.q.strip():
        sort = "newest"
    ordering = list(SORTS[sort])
    if filters.favour_trades:
        jobs = jobs.annotate(
            trade_match=Case(
                When(category_id__in=list(filters.favour_trades), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        ordering.insert(0, "-trade_match")
    if user is not None and user.is_authenticated and user.is_contractor:
        jobs = jobs.annotate(you_bid=_is_bidder(user))
    return jobs.order_by(*ordering, "pk")


RINGS_MILES = (2, 8)  # then the full radius: at most three id queries


def nearest_first_ids(jobs: QuerySet[Job], filters: BoardFilters):
    """For "within N miles, nearest first": the page's ids from growing rings around the ZIP.

    Sorting every job in a 25-mile radius of a metro centre (15,000 of 100,000) by distance
    costs ~35 ms even from an index; the nearest 20 usually lie within two miles. A ring of
    radius r that holds at least `top` jobs holds the `top` nearest ones (everything outside
    is farther), so the answer is exact; rings of 2 and 8 miles, then the full radius.
    Returns None when the board is not sorted by distance within a radius."""
    place = lookup_zip(filters.zip_code) if filters.zip_code else None
    if place is None or filters.sort != "distance" or not filters.radius_miles:
        return None
    radius = min(int(filters.radius_miles), MAX_RADIUS_MILES)

    rings = [r for r in RINGS_MILES if r < radius] + [radius]

    def ids(bottom: int, top: int) -> list:
        for ring in rings:
            lat_min, lat_max, lon_min, lon_max = bounding_box(place.latitude, place.longitude, ring)
            inside = jobs.filter(latitude__range=(lat_min, lat_max), longitude__range=(lon_min, lon_max),
                                 distance__lte=ring)
            found = list(inside.values_list("pk", flat=True)[bottom:top])
            if len(found) == top - bottom:
                return found
        return found

    return ids


def trades_first_ids(jobs: QuerySet[Job], filters: BoardFilters):
    """For "near me" (the contractor's trades first, then newest): the page's ids from two
    newest-first queries, the trades' jobs then the others, instead of sorting every job in
    the radius on a CASE expression. EXPLAIN ANALYZE on 100,000 jobs, 25 miles of Austin
    (15,930 jobs): one sort of all of them 39 ms; the trades' 20 newest 15 ms (index-only
    box scan), the others' 20 newest 0.7 ms (walks `job_status_published_idx` and stops at
    20). At most three id queries (a count only when a page starts past the trades' jobs).
    Returns None when the board is not ranked by trades."""
    if not filters.favour_trades or filters.sort != "newest":
        return None
    trades = list(filters.favour_trades)
    newest = jobs.order_by(*SORTS["newest"], "pk")
    favoured = newest.filter(category_id__in=trades)
    others = newest.exclude(category_id__in=trades)

    def ids(bottom: int, top: int) -> list:
        found = list(favoured.values_list("pk", flat=True)[bottom:top])
        if len(found) == top - bottom:
            return found
        # The trades' jobs end on this page, or before it (then count them to know where).
        total = bottom + len(found) if found else favoured.order_by().values("pk").count()
        start = max(bottom - total, 0)
        return found + list(others.values_list("pk", flat=True)[start: start + (top - bottom - len(found))])

    return ids


def jobs_of_homeowner(user) -> QuerySet[Job]:
    """My jobs: every status, newest first, with live bid counts and a cover photo."""
    return (
        with_bid_count(Job.objects.filter(homeowner=user))
        .select_related("category")
        .prefetch_related(photos_prefetch())
        .order_by("-created_at")
    )


def near_me_defaults(user) -> dict | None:
    """A contractor's service area and trades: the board's default view for them."""
    from accounts.models import ContractorProfile

    if user is None or not user.is_authenticated:
        return None
    # One query for the profile and its trades (a row per trade): the board's most requested view.
    rows = list(ContractorProfile.objects.filter(user=user).order_by("trades__id")
                .values_list("zip_code", "service_radius_miles", "trades__id"))
    if not rows or not rows[0][0]:
        return None
    return {
        "zip_code": rows[0][0],
        "radius_miles": rows[0][1],
        "trade_ids": tuple(trade for _, _, trade in rows if trade is not None),
    }
