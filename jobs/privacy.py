"""The jobs app's personal data (core.privacy): jobs a homeowner posted with their photos and
questions, and the questions a person asked (never named to anyone but staff)."""

from django.db.models import Count, Q
from django.urls import reverse

from core.cache import invalidate_pages
from core.privacy import Blocker, rows

from .models import Job, JobPhoto, Question
from .signals import PAGE_CACHE

# Jobs whose bids are still waiting on the homeowner's decision. An awarded job is answered
# for by its contract (contracts.privacy); a draft or a job without bids is cancelled on erasure.
UNDECIDED = (Job.Status.OPEN, Job.Status.REVIEWING)
UNFINISHED = (Job.Status.DRAFT, *UNDECIDED)


def export(user) -> dict:
    jobs = (Job.objects.filter(homeowner=user).select_related("category")
            .prefetch_related("photos", "questions").order_by("created_at"))
    return {
        "jobs_posted": [{
            "title": job.title,
            "trade": job.category.name,
            "description": job.description,
            "zip_code": job.zip_code,
            "city": job.city,
            "state": job.state,
            "street_address": job.address,
            "budget_min_cents": job.budget_min_cents,
            "budget_max_cents": job.budget_max_cents,
            "currency": job.currency,
            "desired_start": job.desired_start,
            "bidding_deadline": job.bidding_deadline,
            "status": job.get_status_display(),
            "created_at": job.created_at,
            "published_at": job.published_at,
            "awarded_at": job.awarded_at,
            "cancelled_at": job.cancelled_at,
            "removed_by_moderators": job.hidden_reason,
            "photos": [{"caption": p.caption, "content_type": p.content_type, "size_bytes": p.size_bytes,
                        "uploaded_at": p.created_at} for p in job.photos.all()],
            # Questions on your job are public; who asked is never shown, here neither.
            "questions": [{"question": q.body, "your_answer": q.answer, "asked_at": q.created_at,
                           "answered_at": q.answered_at} for q in job.questions.all()],
        } for job in jobs],
        "questions_asked": rows(Question.objects.filter(asked_by=user).order_by("created_at"),
                                "job__title", "body", "answer", "created_at", "answered_at", "hidden_reason"),
    }


def erasure_blockers(user) -> list[Blocker]:
    jobs = (Job.objects.filter(homeowner=user, status__in=UNDECIDED)
            .annotate(live_bids=Count("bids", filter=Q(bids__status="active"))).filter(live_bids__gt=0)
            .order_by("created_at"))
    return [Blocker(
        f"Your job “{job.title}” has {job.live_bids} bid{'s' if job.live_bids != 1 else ''} waiting for "
        "your decision: hire someone or cancel the job (bidders are told).",
        reverse("jobs:detail", args=[job.pk]), "Open the job",
    ) for job in jobs]


def erase(user) -> None:
    """Every job loses its street address. A job that never led to a contract loses its
    description and photos (nobody relies on them); a job with a contract keeps them: they
    are the contractor's record of the scope of work. (Drafts and jobs left without bids were
    cancelled just before, by contracts.privacy, which owns job cancellation.) Unanswered
    questions the person asked are deleted; answered ones stay, unattributed."""
    # Any contract, even a cancelled one: the contractor was shown the job to sign it.
    uncontracted = Job.objects.filter(homeowner=user, contracts__isnull=True)
    for photo in JobPhoto.objects.filter(job__in=uncontracted):
        photo.image.delete(save=False)
        photo.delete()
    Job.objects.filter(pk__in=uncontracted.values("pk")).update(description="", search_vector=None)
    Job.objects.filter(homeowner=user).exclude(address="").update(address="")
    Question.objects.filter(asked_by=user, answer="").delete()
    # Bulk updates send no signals: the cached public pages of these jobs go stale here.
    invalidate_pages(PAGE_CACHE)
    for job_id in Job.objects.filter(homeowner=user).values_list("pk", flat=True):
        invalidate_pages(f"{PAGE_CACHE}:{job_id}")
