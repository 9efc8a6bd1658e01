"""The five kinds of content a report can be about, in one table: who may see it (and so
report it), whose it is, how staff see it in the queue, where it lives, and which service of
its own app removes it. Visibility comes from each app's selectors, so reporting never
reaches further than looking: a message only for the parties of its contract, a job or a
question only when the job is visible to the reporter, a review once published, a profile
while it is public. Nothing here reads bids.
"""

from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Q
from django.http import Http404
from django.urls import reverse

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.models import ContractorProfile
from jobs import selectors as job_selectors
from jobs import services as job_services
from jobs.models import Job, Question
from messaging import services as message_services
from messaging.models import Message
from reviews import services as review_services
from reviews.models import Review

from .models import TargetKind

EXCERPT = 600


@dataclass
class Target:
    kind: str
    id: UUID
    owner_id: UUID
    label: str  # what it is, in words: "the job “Fix the porch”"
    text: str  # the content itself, for staff and the report page
    url: str  # where it lives on the site
    hidden_reason: str = ""

    @property
    def kind_label(self) -> str:
        return TargetKind(self.kind).label.lower()

    @property
    def hidden(self) -> bool:
        return bool(self.hidden_reason)


def _profile(profile: ContractorProfile) -> Target:
    return Target(TargetKind.PROFILE, profile.user_id, profile.user_id, f"the profile of {profile.business_name}",
                  (profile.bio or "")[:EXCERPT], reverse("directory:profile", args=[profile.user_id]),
                  profile.hidden_reason if profile.hidden_at else "")


def _job(job: Job) -> Target:
    return Target(TargetKind.JOB, job.pk, job.homeowner_id, f"the job “{job.title}”",
                  f"{job.title}\n\n{job.description}"[:EXCERPT], reverse("jobs:detail", args=[job.pk]),
                  job.hidden_reason if job.hidden_at else "")


def _question(question: Question) -> Target:
    return Target(TargetKind.QUESTION, question.pk, question.asked_by_id,
                  f"a question on “{question.job.title}”", question.body[:EXCERPT],
                  reverse("jobs:detail", args=[question.job_id]) + f"#question-{question.pk}",
                  question.hidden_reason if question.hidden_at else "")


def _review(review: Review) -> Target:
    return Target(TargetKind.REVIEW, review.pk, review.author_id, f"a review of {review.subject.display_name}",
                  f"{review.rating}/5: {review.body}"[:EXCERPT], reverse("reviews:user", args=[review.subject_id]),
                  review.hidden_reason if review.status == Review.Status.HIDDEN else "")


def _message(message: Message) -> Target:
    files = len(message.attachments.all())
    text = message.body + (f"\n[{files} attachment{'s' if files != 1 else ''}]" if files else "")
    return Target(TargetKind.MESSAGE, message.pk, message.author_id,
                  f"a message about “{message.contract.job.title}”", text[:EXCERPT],
                  reverse("contracts:detail", args=[message.contract_id]) + f"#message-{message.pk}",
                  message.hidden_reason if message.hidden_at else "")


def _visible_to(user, kind: str, pk):
    """The object if `user` may see it as it is now, else None."""
    if kind == TargetKind.PROFILE:
        return account_selectors.public_contractors().filter(user_id=pk).first()
    if kind == TargetKind.JOB:
        return job_selectors.jobs_visible_to(user).filter(pk=pk).first()
    if kind == TargetKind.QUESTION:
        return (Question.objects.select_related("job")
                .filter(pk=pk, hidden_at__isnull=True, job__in=job_selectors.jobs_visible_to(user)).first())
    if kind == TargetKind.REVIEW:
        return Review.objects.select_related("subject").filter(pk=pk, status=Review.Status.PUBLISHED).first()
    if kind == TargetKind.MESSAGE:
        return (Message.objects.select_related("contract__job").prefetch_related("attachments")
                .filter(Q(contract__homeowner=user) | Q(contract__contractor=user), pk=pk, hidden_at__isnull=True)
                .first())
    return None


BUILD = {TargetKind.PROFILE: _profile, TargetKind.JOB: _job, TargetKind.QUESTION: _question,
         TargetKind.REVIEW: _review, TargetKind.MESSAGE: _message}


def _uuid(value):
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        return None


def for_reporter(user, kind: str, target_id) -> Target:
    """What `user` is about to report; 404 when it does not exist or they may not see it
    (existence does not leak)."""
    pk = _uuid(target_id)
    obj = _visible_to(user, kind, pk) if kind in BUILD and pk is not None else None
    if obj is None:
        raise Http404("Nothing to report here.")
    return BUILD[kind](obj)


# --- Staff: every state, many at once --------------------------------------------------
_STAFF_QUERIES = {
    TargetKind.PROFILE: (lambda ids: ContractorProfile.objects.filter(user_id__in=ids), "user_id"),
    TargetKind.JOB: (lambda ids: Job.objects.filter(pk__in=ids), "pk"),
    TargetKind.QUESTION: (lambda ids: Question.objects.select_related("job").filter(pk__in=ids), "pk"),
    TargetKind.REVIEW: (lambda ids: Review.objects.select_related("subject", "subject__contractor_profile")
                        .filter(pk__in=ids), "pk"),
    TargetKind.MESSAGE: (lambda ids: Message.objects.select_related("contract__job").prefetch_related("attachments")
                         .filter(pk__in=ids), "pk"),
}


def for_staff_many(pairs) -> dict[tuple[str, UUID], Target]:
    """{(kind, id): Target} for the queue: one query per kind present, whatever the rows."""
    wanted = defaultdict(set)
    for kind, pk in pairs:
        wanted[kind].add(pk)
    found = {}
    for kind, ids in wanted.items():
        query, key = _STAFF_QUERIES[kind]
        for obj in query(ids):
            found[(kind, getattr(obj, key))] = BUILD[kind](obj)
    return found


def for_staff(kind: str, target_id) -> Target | None:
    return for_staff_many([(kind, target_id)]).get((kind, target_id))


def hide(*, actor, kind: str, target_id, reason: str, request=None) -> None:
    """Each kind is removed by its own app's service (which checks the moderator, locks the
    row and audits): moderation only decides."""
    if kind == TargetKind.PROFILE:
        account_services.contractor_profile_hide(actor=actor, user_id=target_id, reason=reason, request=request)
    elif kind == TargetKind.JOB:
        job_services.job_hide(actor=actor, job_id=target_id, reason=reason, request=request)
    elif kind == TargetKind.QUESTION:
        job_services.question_hide(actor=actor, question_id=target_id, reason=reason, request=request)
    elif kind == TargetKind.REVIEW:
        review_services.review_hide(actor=actor, review_id=target_id, reason=reason, request=request)
    elif kind == TargetKind.MESSAGE:
        message_services.message_hide(actor=actor, message_id=target_id, reason=reason, request=request)
    else:
        raise Http404
