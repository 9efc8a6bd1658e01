"""Every write to jobs, photos and questions goes through here (web, API, admin, tasks)."""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

import audit
from accounts.services import clean_moderation_reason, require_moderator, require_not_suspended
from core import outbox
from core.contact import contact_details_in, describe
from core.exceptions import InvalidState, PermissionDenied, ValidationFailed
from core.fsm import check_transition
from core.geo import lookup_zip

from . import announce, rules
from .images import clean_image
from .models import Category, Job, JobPhoto, Question
from .search import refresh_search_vector

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = (
    "title", "description", "category", "zip_code", "address", "budget_min_cents", "budget_max_cents",
    "desired_start", "bidding_deadline",
)
MAX_QUESTIONS_PER_ASKER = 10


def _require_owner(actor, job: Job) -> None:
    if actor is None or job.homeowner_id != actor.pk:
        raise PermissionDenied("Only the homeowner who posted this job can do that.")


def _lock(job: Job) -> Job:
    return Job.objects.select_for_update().get(pk=job.pk)


def _validated_terms(data: dict, *, check_deadline: bool) -> dict:
    """Check the job's terms as one whole; collect every problem so a form shows them all."""
    errors: dict[str, list[str]] = {}
    title = (data.get("title") or "").strip()
    description = (data.get("description") or "").strip()
    if len(title) < 5:
        errors["title"] = ["Give the job a title of at least 5 characters."]
    elif len(title) > 120:
        errors["title"] = ["Titles are at most 120 characters."]
    if len(description) < 20:
        errors["description"] = ["Describe the work in at least 20 characters."]
    elif len(description) > 5000:
        errors["description"] = ["Descriptions are at most 5,000 characters."]
    category = data.get("category")
    if isinstance(category, str):
        category = Category.objects.filter(slug=category).first()
    if not isinstance(category, Category):
        errors["category"] = ["Choose a trade."]
    if problems := rules.zip_errors(data.get("zip_code")):
        errors["zip_code"] = problems
    address = (data.get("address") or "").strip()
    if len(address) > 200:
        errors["address"] = ["Addresses are at most 200 characters."]
    errors.update(rules.budget_errors(data.get("budget_min_cents"), data.get("budget_max_cents")))
    if problems := rules.start_errors(data.get("desired_start")):
        errors["desired_start"] = problems
    deadline = data.get("bidding_deadline")
    if not isinstance(deadline, datetime):
        errors["bidding_deadline"] = ["Choose when bidding closes."]
    elif check_deadline and (problems := rules.deadline_errors(deadline)):
        errors["bidding_deadline"] = problems
    if errors:
        raise ValidationFailed("Some details of the job need attention.", fields=errors)
    place = lookup_zip(data["zip_code"])
    return {
        "title": title,
        "description": description,
        "category": category,
        "zip_code": place.zip_code,
        "city": place.city.title(),
        "state": place.state,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "address": address,
        "budget_min_cents": int(data["budget_min_cents"]),
        "budget_max_cents": int(data["budget_max_cents"]),
        "desired_start": data["desired_start"],
        "bidding_deadline": deadline,
    }


@transaction.atomic
def job_create(*, actor, publish: bool = False, request=None, **data) -> Job:
    if actor is None or not actor.is_homeowner:
        raise PermissionDenied("Only homeowner accounts can post jobs.")
    require_not_suspended(actor)
    if not actor.profile_complete:
        raise InvalidState("Finish your profile (your home's ZIP code) before posting a job.")
    terms = _validated_terms(data, check_deadline=True)
    job = Job.objects.create(homeowner=actor, **terms)
    refresh_search_vector(Job.objects.filter(pk=job.pk))
    audit.record(actor, "job.created", job, request)
    if publish:
        job = job_publish(actor=actor, job=job, request=request)
    return job


@transaction.atomic
def job_update(*, actor, job: Job, request=None, **data) -> Job:
    job = _lock(job)
    _require_owner(actor, job)
    require_not_suspended(actor)
    if job.status == Job.Status.OPEN and job.bids.exclude(status="withdrawn").exists():
        raise InvalidState("Bids have arrived, so the job can no longer be edited. Cancel it to start over.")
    if job.status not in (Job.Status.DRAFT, Job.Status.OPEN):
        raise InvalidState(f"This job is {job.get_status_display().lower()} and can no longer be edited.")
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    current = {field: getattr(job, field) for field in EDITABLE_FIELDS}
    merged = current | data
    # A draft may keep a stale deadline until it is published; an open job may not.
    check_deadline = job.status == Job.Status.OPEN or "bidding_deadline" in data
    terms = _validated_terms(merged, check_deadline=check_deadline)
    changed = [field for field, value in terms.items() if getattr(job, field) != value]
    for field, value in terms.items():
        setattr(job, field, value)
    job.save()
    if {"title", "description"} & set(changed):
        refresh_search_vector(Job.objects.filter(pk=job.pk))
    audit.record(actor, "job.updated", job, request, fields=sorted(changed))
    return job


@transaction.atomic
def job_publish(*, actor, job: Job, request=None) -> Job:
    job = _lock(job)
    _require_owner(actor, job)
    require_not_suspended(actor)
    if job.hidden_at is not None:
        raise InvalidState(f"This job was removed by moderators and cannot be published: {job.hidden_reason}")
    check_transition(Job.TRANSITIONS, job.status, Job.Status.OPEN, label="job")
    if problems := rules.deadline_errors(job.bidding_deadline):
        raise ValidationFailed(
            "Set a new bidding deadline before publishing.", fields={"bidding_deadline": problems}
        )
    if problems := rules.start_errors(job.desired_start):
        raise ValidationFailed("Set a new desired start before publishing.", fields={"desired_start": problems})
    job.status = Job.Status.OPEN
    job.published_at = timezone.now()
    job.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(actor, "job.published", job, request)
    outbox.emit("job.published", job)
    return job


def _close_bidding(job: Job, *, actor, request=None, reason: str) -> Job:
    """open -> reviewing on a locked row; caller holds the transaction."""
    check_transition(Job.TRANSITIONS, job.status, Job.Status.REVIEWING, label="job")
    active = list(job.bids.filter(status="active").values_list("contractor_id", flat=True))
    if not active:
        raise InvalidState("Bidding can only close once at least one bid has arrived.")
    job.status = Job.Status.REVIEWING
    job.bidding_closed_at = timezone.now()
    job.save(update_fields=["status", "bidding_closed_at", "updated_at"])
    audit.record(actor, "job.bidding_closed", job, request, reason=reason, bid_count=len(active))
    outbox.emit("job.bidding_closed", job)
    announce.bidding_closed(job, bidder_ids=active)
    return job


@transaction.atomic
def job_close_bidding(*, actor, job: Job, request=None) -> Job:
    job = _lock(job)
    _require_owner(actor, job)
    return _close_bidding(job, actor=actor, request=request, reason="closed_early")



def jobs_close_overdue(*, now=None) -> dict:
    """Periodic: open jobs past their deadline go to reviewing, or back to draft with no bids.

    One short transaction per job so a failure on one never blocks the rest.
    """
    now = now or timezone.now()
    counts = {"reviewing": 0, "no_bids": 0}
    due = list(Job.objects.filter(status=Job.Status.OPEN, bidding_deadline__lte=now).values_list("pk", flat=True)[:500])
    for pk in due:
        with transaction.atomic():
            job = Job.objects.select_for_update(skip_locked=True).filter(pk=pk, status=Job.Status.OPEN).first()
            if job is None or job.bidding_deadline > now:
                continue
            if job.bids.filter(status="active").exists():
                _close_bidding(job, actor=None, reason="deadline")
                counts["reviewing"] += 1
            else:
                job.status = Job.Status.DRAFT
                job.save(update_fields=["status", "updated_at"])
                audit.record(None, "job.expired_without_bids", job)
                announce.no_bids(job)
                counts["no_bids"] += 1
    if due:
        logger.info("closed overdue jobs: %s", counts)
    return counts


# --- Photos -----------------------------------------------------------------------------
PHOTO_STATUSES = (Job.Status.DRAFT, Job.Status.OPEN, Job.Status.REVIEWING)


@transaction.atomic
def photo_add(*, actor, job: Job, image, caption: str = "", request=None, budget=None) -> JobPhoto:
    """`budget`: the request's core.budget.DecodeBudget when one request adds several photos."""
    job = _lock(job)  # serialises concurrent uploads so the cap of 10 holds
    _require_owner(actor, job)
    if job.status not in PHOTO_STATUSES:
        raise InvalidState("Photos can only be added before the job is awarded.")
    if job.photos.count() >= JobPhoto.MAX_PER_JOB:
        raise InvalidState(f"A job can have at most {JobPhoto.MAX_PER_JOB} photos.")
    clean = clean_image(image, max_bytes=JobPhoto.MAX_BYTES, max_pixels=JobPhoto.MAX_PIXELS, budget=budget)
    position = (job.photos.aggregate(top=Max("position"))["top"] or 0) + 1
    photo = JobPhoto(
        job=job, content_type=clean.content_type, size_bytes=clean.size_bytes,
        caption=(caption or "").strip()[:140], position=position,
    )
    photo.image.save(clean.file.name, clean.file, save=False)
    photo.save()
    audit.record(actor, "job.photo_added", job, request, photo=str(photo.pk))
    return photo


@transaction.atomic
def photo_remove(*, actor, photo: JobPhoto, request=None) -> None:
    job = _lock(photo.job)
    _require_owner(actor, job)
    if job.status not in PHOTO_STATUSES:
        raise InvalidState("Photos can only be removed before the job is awarded.")
    name = photo.image.name
    photo.delete()
    transaction.on_commit(lambda: photo.image.storage.delete(name))
    audit.record(actor, "job.photo_removed", job, request, photo=str(photo.pk))


# --- Questions --------------------------------------------------------------------------
def _refuse_contact_details(text: str, field: str) -> None:
    """Questions and answers are public: contact details in them would move the bidding off
    the platform (and name the anonymous asker). Held back with a message saying why; the
    form keeps the text so nothing typed is lost."""
    kinds = contact_details_in(text)
    if kinds:
        message = (
            f"Please remove {describe(kinds)}: questions and answers are public, and contact details "
            "are shared only with the contractor you hire, on the contract page. Everything else can stay."
        )
        raise ValidationFailed(message, fields={field: [message]})


@transaction.atomic
def question_ask(*, actor, job: Job, body: str, request=None) -> Question:
    if actor is None or not actor.is_contractor:
        raise PermissionDenied("Only contractors can ask questions about a job.")
    require_not_suspended(actor)
    job = _lock(job)
    if job.status != Job.Status.OPEN or job.hidden_at is not None:
        raise InvalidState("Questions can only be asked while the job is open for bids.")
    body = (body or "").strip()
    if len(body) < 5 or len(body) > 1000:
        raise ValidationFailed("Questions are 5 to 1,000 characters.", fields={"body": ["Between 5 and 1,000 characters."]})
    _refuse_contact_details(body, "body")
    if Question.objects.filter(job=job, asked_by=actor).count() >= MAX_QUESTIONS_PER_ASKER:
        raise InvalidState(f"You can ask at most {MAX_QUESTIONS_PER_ASKER} questions on one job.")
    question = Question.objects.create(job=job, asked_by=actor, body=body)
    audit.record(actor, "job.question_asked", question, request, job=str(job.pk))
    return question


@transaction.atomic
def question_answer(*, actor, question: Question, answer: str, request=None) -> Question:
    # of=("self",): the question row only; the job is read, not locked (core.locks).
    question = Question.objects.select_for_update(of=("self",)).select_related("job").get(pk=question.pk)
    _require_owner(actor, question.job)
    require_not_suspended(actor)
    if question.hidden_at is not None:
        raise InvalidState("This question was removed by moderators; it cannot be answered.")
    if question.job.status in (Job.Status.CANCELLED, Job.Status.COMPLETED):
        raise InvalidState("This job is closed; questions can no longer be answered.")
    answer = (answer or "").strip()
    if not 1 <= len(answer) <= 2000:
        raise ValidationFailed("Answers are 1 to 2,000 characters.", fields={"answer": ["Between 1 and 2,000 characters."]})
    _refuse_contact_details(answer, "answer")
    question.answer = answer
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_at", "updated_at"])
    audit.record(actor, "job.question_answered", question, request, job=str(question.job_id))
    return question


# --- Moderation (called by the moderation app's services) ------------------------------
@transaction.atomic
def job_hide(*, actor, job_id, reason: str, request=None) -> Job:
    """Staff remove a job from the board, its page and the API for everyone but its owner
    (who sees the reason) and staff. Its status is unchanged: cancelling is a separate step."""
    require_moderator(actor)
    reason = clean_moderation_reason(reason)
    job = Job.objects.select_for_update().get(pk=job_id)
    if job.hidden_at is not None:
        raise InvalidState("This job was already removed by moderators.")
    job.hidden_at = timezone.now()
    job.hidden_reason = reason
    job.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])  # post_save clears the page cache
    audit.record(actor, "job.hidden", job, request, reason=reason, status=job.status)
    return job


@transaction.atomic
def question_hide(*, actor, question_id, reason: str, request=None) -> Question:
    require_moderator(actor)
    reason = clean_moderation_reason(reason)
    question = Question.objects.select_for_update().get(pk=question_id)
    if question.hidden_at is not None:
        raise InvalidState("This question was already removed by moderators.")
    question.hidden_at = timezone.now()
    question.hidden_reason = reason
    question.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    audit.record(actor, "job.question_hidden", question, request, job=str(question.job_id), reason=reason)
    return question
