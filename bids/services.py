"""Every write to bids: place, revise, withdraw. The award creates a contract, so it lives
in contracts.services.bid_accept (bids never imports contracts)."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

import audit
from accounts.services import lock_account_to_act, require_not_suspended
from core import outbox
from core.exceptions import Conflict, InvalidState, PermissionDenied, ValidationFailed
from core.fsm import check_transition
from core.money import MAX_AMOUNT_CENTS, format_cents
from jobs.models import Job

from . import announce
from .models import MAX_MILESTONES, Bid, BidMilestone, BidRevision
from .selectors import WITHDRAWABLE_JOB_STATUSES, open_bids_of

DEFAULT_MILESTONE_TITLE = "Complete the work"


def _as_int(value):
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def validated_terms(
    *, amount_cents, estimated_days, proposed_start, message="", milestones=None
) -> dict:
    """Check a bid's terms as a whole; every problem is reported with its field."""
    errors: dict[str, list[str]] = {}
    amount = _as_int(amount_cents)
    if amount is None:
        errors["amount_cents"] = ["Enter the amount of your bid."]
    elif amount <= 0:
        errors["amount_cents"] = ["Must be more than zero."]
    elif amount > MAX_AMOUNT_CENTS:
        errors["amount_cents"] = [f"Bids are at most {format_cents(MAX_AMOUNT_CENTS)}."]
    days = _as_int(estimated_days)
    if days is None or not 1 <= days <= 730:
        errors["estimated_days"] = ["Estimate between 1 and 730 days."]
    today = timezone.localdate()
    if not isinstance(proposed_start, date):
        errors["proposed_start"] = ["Choose when you could start."]
    elif proposed_start < today:
        errors["proposed_start"] = ["The start date cannot be in the past."]
    elif proposed_start > today + timedelta(days=366):
        errors["proposed_start"] = ["Propose a start within the next year."]
    message = (message or "").strip()
    if len(message) > 3000:
        errors["message"] = ["Messages are at most 3,000 characters."]

    rows = list(milestones or [])
    if not rows and amount is not None:
        rows = [{"title": DEFAULT_MILESTONE_TITLE, "amount_cents": amount}]
    clean_rows = []
    if not 1 <= len(rows) <= MAX_MILESTONES:
        errors["milestones"] = [f"A payment schedule has 1 to {MAX_MILESTONES} milestones."]
    else:
        for index, row in enumerate(rows):
            title = str((row or {}).get("title") or "").strip()
            cents = _as_int((row or {}).get("amount_cents"))
            if not title or len(title) > 120:
                errors[f"milestones.{index}.title"] = ["Give each milestone a title (at most 120 characters)."]
            if cents is None or cents <= 0:
                errors[f"milestones.{index}.amount_cents"] = ["Each milestone must be more than zero."]
            clean_rows.append({"title": title, "amount_cents": cents})
        total = sum(row["amount_cents"] or 0 for row in clean_rows)
        if amount is not None and not any(k.startswith("milestones.") for k in errors) and total != amount:
            errors["milestones"] = [
                f"The milestones add up to {format_cents(total)} but the bid is {format_cents(amount)}."
            ]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first if len(errors) == 1 else "Some parts of the bid need attention.", fields=errors)
    return {
        "amount_cents": amount,
        "estimated_days": days,
        "proposed_start": proposed_start,
        "message": message,
        "milestones": clean_rows,
    }


def can_bid(user) -> tuple[bool, str]:
    """Who may bid at all, with the sentence to show when they may not."""
    if user is None or not user.is_authenticated or not user.is_contractor:
        return False, "Only contractor accounts can bid."
    try:
        require_not_suspended(user)
    except PermissionDenied as exc:
        return False, exc.message
    if not user.profile_complete:
        return False, "Finish your contractor profile before bidding."
    if not user.phone_verified:
        return False, "Verify your phone number before bidding."
    return True, ""


def _check_job_open(job: Job) -> None:
    if job.hidden_at is not None:
        raise InvalidState("This job was removed by moderators; it takes no bids.")
    if job.status != Job.Status.OPEN:
        raise InvalidState("This job is not open for bids.")
    if job.bidding_deadline <= timezone.now():
        raise InvalidState("Bidding on this job has closed.")


def _write_milestones(bid: Bid, rows: list[dict]) -> None:
    BidMilestone.objects.bulk_create(
        BidMilestone(bid=bid, position=position, title=row["title"], amount_cents=row["amount_cents"])
        for position, row in enumerate(rows, 1)
    )


@transaction.atomic
def bid_place(*, actor, job: Job, request=None, **terms) -> Bid:
    allowed, why = can_bid(actor)
    if not allowed:
        raise PermissionDenied(why, code="account_suspended" if getattr(actor, "suspended_at", None) else None)
    lock_account_to_act(actor)
    # Lock the job: a concurrent close-bidding or award must see this bid or reject it.
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.homeowner_id == actor.pk:
        raise PermissionDenied("You cannot bid on your own job.")
    _check_job_open(job)
    clean = validated_terms(**terms)
    if Bid.objects.filter(job=job, contractor=actor).exclude(status=Bid.Status.WITHDRAWN).exists():
        raise Conflict("You already have a bid on this job; revise it instead.")
    try:
        with transaction.atomic():
            bid = Bid.objects.create(
                job=job, contractor=actor, amount_cents=clean["amount_cents"], currency=job.currency,
                estimated_days=clean["estimated_days"], proposed_start=clean["proposed_start"], message=clean["message"],
            )
    except IntegrityError as exc:  # a parallel request won the race to the unique constraint
        raise Conflict("You already have a bid on this job; revise it instead.") from exc
    _write_milestones(bid, clean["milestones"])
    audit.record(actor, "bid.placed", bid, request, job=str(job.pk), amount_cents=bid.amount_cents)
    outbox.emit("bid.received", bid)
    announce.bid_placed(bid, revised=False)
    return bid


@transaction.atomic
def bid_revise(*, actor, bid: Bid, request=None, **terms) -> Bid:
    if actor is not None:
        lock_account_to_act(actor)
    job = Job.objects.select_for_update().get(pk=bid.job_id)
    bid = Bid.objects.select_for_update().get(pk=bid.pk)
    if bid.contractor_id != getattr(actor, "pk", None):
        raise PermissionDenied("Only the contractor who placed this bid can revise it.")
    if bid.status != Bid.Status.ACTIVE:
        raise InvalidState(f"This bid is {bid.get_status_display().lower()} and cannot be revised.")
    _check_job_open(job)
    current = {
        "amount_cents": bid.amount_cents, "estimated_days": bid.estimated_days,
        "proposed_start": bid.proposed_start, "message": bid.message,
    }
    if "milestones" not in terms and "amount_cents" not in terms:
        terms["milestones"] = list(bid.milestones.order_by("position").values("title", "amount_cents"))
    clean = validated_terms(**(current | terms))
    old_rows = list(bid.milestones.order_by("position").values("title", "amount_cents"))
    bid.revision_count += 1
    BidRevision.objects.create(bid=bid, number=bid.revision_count, milestones=old_rows, **current)
    bid.amount_cents = clean["amount_cents"]
    bid.estimated_days = clean["estimated_days"]
    bid.proposed_start = clean["proposed_start"]
    bid.message = clean["message"]
    bid.save()
    bid.milestones.all().delete()
    _write_milestones(bid, clean["milestones"])
    audit.record(actor, "bid.revised", bid, request, revision=bid.revision_count, amount_cents=bid.amount_cents)
    announce.bid_placed(bid, revised=True)
    return bid


@transaction.atomic
def bid_withdraw(*, actor, bid: Bid, request=None) -> Bid:
    job = Job.objects.select_for_update().get(pk=bid.job_id)
    bid = Bid.objects.select_for_update().get(pk=bid.pk)
    if bid.contractor_id != getattr(actor, "pk", None):
        raise PermissionDenied("Only the contractor who placed this bid can withdraw it.")
    if job.status != Job.Status.OPEN:
        raise InvalidState("Bids can only be withdrawn while the job is open.")
    check_transition(Bid.TRANSITIONS, bid.status, Bid.Status.WITHDRAWN, label="bid")
    bid.status = Bid.Status.WITHDRAWN
    bid.withdrawn_at = timezone.now()
    bid.save(update_fields=["status", "withdrawn_at", "updated_at"])
    audit.record(actor, "bid.withdrawn", bid, request, job=str(job.pk))
    return bid


def bids_withdraw_for_suspension(*, actor, contractor, reason: str, request=None) -> list[Bid]:
    """Staff suspended `contractor` (the caller holds the account row's lock, core/locks.py
    level 0): every live bid on a job not yet awarded is withdrawn, jobs locked in id order.
    Each homeowner is told a bid on their job was withdrawn, never by whom or for how much;
    the contractor is told by the caller, in the suspension notice."""
    job_ids = sorted(set(open_bids_of(contractor.pk).values_list("job_id", flat=True)), key=str)
    withdrawn = []
    now = timezone.now()
    for job_id in job_ids:
        job = Job.objects.select_for_update().select_related("homeowner").get(pk=job_id)
        bids = list(Bid.objects.select_for_update().filter(job=job, contractor=contractor, status=Bid.Status.ACTIVE))
        if job.status not in WITHDRAWABLE_JOB_STATUSES or not bids:
            continue  # awarded meanwhile: the contract is staff's to handle
        for bid in bids:
            check_transition(Bid.TRANSITIONS, bid.status, Bid.Status.WITHDRAWN, label="bid")
            bid.status = Bid.Status.WITHDRAWN
            bid.withdrawn_at = now
            bid.save(update_fields=["status", "withdrawn_at", "updated_at"])
            audit.record(actor, "bid.withdrawn_by_moderators", bid, request, job=str(job.pk), reason=reason)
            bid.job = job
            withdrawn.append(bid)
        announce.bid_withdrawn_by_moderators(job)
    return withdrawn
