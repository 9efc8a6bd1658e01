"""The dashboard's to-do list: what is waiting on this person, most urgent first, then their
recent activity. Each kind of to-do is one query (no per-row queries), so the page's query
count is fixed whatever the number of jobs, contracts or messages (pinned in the tests).

This app sits at the top layer: it only reads other apps' models and selectors.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from bids.models import Bid
from contracts.models import ChangeOrder, Contract, Milestone
from core.money import format_cents
from disputes.models import Dispute
from jobs.models import Job, Question
from messaging.selectors import unread_threads
from notifications.models import Notification
from payments.models import PayoutAccount
from reviews.models import REVIEW_WINDOW, Review

SOON = timedelta(days=2)


@dataclass
class Todo:
    text: str
    url: str
    action: str
    due: datetime | None = None  # shown in the person's time zone
    due_label: str = ""
    urgent: bool = False
    note: str = ""


def _contract_url(contract_id, anchor="") -> str:
    return reverse("contracts:detail", args=[contract_id]) + anchor


def _party(user) -> Q:
    return Q(contract__homeowner=user) | Q(contract__contractor=user)


def todos_for(user, now=None) -> list[Todo]:
    now = now or timezone.now()
    items: list[Todo] = []
    if user.is_homeowner:
        items += _homeowner(user, now)
    elif user.is_contractor:
        items += _contractor(user, now)
    items += _both(user, now)
    # Urgent first, then by due date (undated last), then as listed.
    return sorted(items, key=lambda t: (not t.urgent, t.due is None, t.due or now))


def _homeowner(user, now) -> list[Todo]:
    items = []
    for ms in (Milestone.objects.filter(contract__homeowner=user, status=Milestone.Status.SUBMITTED)
               .select_related("contract__job").order_by("auto_approve_at")):
        items.append(Todo(
            f"Review the work on “{ms.title}” ({ms.contract.job.title})", _contract_url(ms.contract_id, f"#milestone-{ms.pk}"),
            "Review", due=ms.auto_approve_at, due_label="approves automatically",
            urgent=bool(ms.auto_approve_at and ms.auto_approve_at - now < timedelta(days=3))))
    in_escrow = Milestone.objects.filter(contract=OuterRef("contract"), status__in=Milestone.IN_ESCROW)
    earlier_unfunded = Milestone.objects.filter(contract=OuterRef("contract"), status=Milestone.Status.UNFUNDED,
                                                position__lt=OuterRef("position"))
    for ms in (Milestone.objects.filter(contract__homeowner=user, status=Milestone.Status.UNFUNDED,
                                        contract__status__in=[Contract.Status.AWAITING_FUNDING, Contract.Status.ACTIVE])
               .exclude(Exists(in_escrow)).exclude(Exists(earlier_unfunded)).select_related("contract__job")):
        items.append(Todo(
            f"Fund milestone {ms.position} “{ms.title}” ({ms.contract.job.title}): {_money(ms.total_due_cents)}",
            _contract_url(ms.contract_id, f"#milestone-{ms.pk}"), "Fund", note="The contractor starts once it is in escrow."))
    for row in (Question.objects.filter(job__homeowner=user, job__status=Job.Status.OPEN, answered_at__isnull=True,
                                        hidden_at__isnull=True).values("job", "job__title").annotate(n=Count("pk")).order_by("job__title")):
        n = row["n"]
        items.append(Todo(f"Answer {n} question{'s' if n != 1 else ''} on “{row['job__title']}”",
                          reverse("jobs:detail", args=[row["job"]]) + "#questions", "Answer"))
    for job in Job.objects.filter(homeowner=user, status__in=[Job.Status.OPEN, Job.Status.REVIEWING]).filter(
            Q(status=Job.Status.REVIEWING) | Q(bidding_deadline__lte=now + SOON)).order_by("bidding_deadline"):
        if job.status == Job.Status.REVIEWING:
            items.append(Todo(f"Compare the bids on “{job.title}” and hire", reverse("bids:compare", args=[job.pk]),
                              "Compare bids"))
        else:
            items.append(Todo(f"Bidding on “{job.title}” closes soon", reverse("jobs:detail", args=[job.pk]),
                              "View job", due=job.bidding_deadline, due_label="bidding closes"))
    return items


def _contractor(user, now) -> list[Todo]:
    items = []
    submissions = Milestone._meta.get_field("submissions").related_model.objects.filter(
        milestone=OuterRef("pk")).order_by("-created_at")
    for ms in (Milestone.objects.filter(contract__contractor=user, status=Milestone.Status.FUNDED)
               .select_related("contract__job")
               .annotate(change_note=Subquery(submissions.values("changes_requested_note")[:1]))):
        if ms.change_note:
            items.append(Todo(f"Changes requested on “{ms.title}” ({ms.contract.job.title})",
                              _contract_url(ms.contract_id, f"#milestone-{ms.pk}"), "See the note",
                              urgent=True, note=ms.change_note))
        else:
            items.append(Todo(f"Do the work and submit “{ms.title}” ({ms.contract.job.title}): {_money(ms.amount_cents)} "
                              "in escrow", _contract_url(ms.contract_id, f"#milestone-{ms.pk}"), "Submit completion"))
    # One query: any live contract, and no payout account that can receive transfers.
    payout_ready = PayoutAccount.objects.filter(user=user, payouts_enabled=True)
    needs_setup = (Contract.objects.filter(contractor=user).exclude(status=Contract.Status.CANCELLED)
                   .exclude(Exists(payout_ready)).exists())
    if needs_setup:
        items.append(Todo("Finish your payout setup so approved milestones reach your bank",
                          reverse("payments:payouts"), "Set up payouts", urgent=True))
    for bid in (Bid.objects.filter(contractor=user, status=Bid.Status.ACTIVE, job__status=Job.Status.OPEN,
                                   job__bidding_deadline__lte=now + SOON).select_related("job")
                .order_by("job__bidding_deadline")):
        items.append(Todo(f"Bidding on “{bid.job.title}” closes soon: revise your bid if needed",
                          reverse("jobs:detail", args=[bid.job_id]), "View bid", due=bid.job.bidding_deadline,
                          due_label="bidding closes"))
    return items


def _both(user, now) -> list[Todo]:
    items = []
    for dispute in (Dispute.objects.filter(_party(user), status=Dispute.Status.AWAITING_RESPONSE)
                    .exclude(opened_by=user).select_related("contract__job").order_by("response_due_at")):
        items.append(Todo(f"Respond to the dispute on “{dispute.contract.job.title}”",
                          reverse("disputes:detail", args=[dispute.pk]), "Respond", due=dispute.response_due_at,
                          due_label="respond by", urgent=True))
    for contract_id, title, n in unread_threads(user):
        items.append(Todo(f"{n} unread message{'s' if n != 1 else ''} about “{title}”",
                          _contract_url(contract_id, "#messages"), "Read"))
    reviewed = Review.objects.filter(contract=OuterRef("pk"), author=user)
    for contract in (Contract.objects.filter(Q(homeowner=user) | Q(contractor=user), status=Contract.Status.COMPLETED,
                                             completed_at__gte=now - REVIEW_WINDOW)
                     .exclude(Exists(reviewed)).select_related("job")):
        items.append(Todo(f"Leave a review for “{contract.job.title}”", reverse("reviews:write", args=[contract.pk]),
                          "Write a review", due=contract.completed_at + REVIEW_WINDOW, due_label="reviews close"))
    items += _change_orders(user)
    return items


def _change_orders(user) -> list[Todo]:
    pending = (ChangeOrder.objects.filter(_party(user), status=ChangeOrder.Status.PENDING).exclude(proposed_by=user)
               .select_related("contract__job", "proposed_by"))
    return [Todo(f"{order.proposed_by.display_name} proposed a change to “{order.contract.job.title}”: accept or decline",
                 reverse("contracts:change_order", args=[order.contract_id, order.pk]), "Review the change",
                 urgent=True) for order in pending]


def recent_activity(user, limit=8):
    return list(Notification.objects.filter(recipient=user).order_by("-created_at")[:limit])


def _money(cents: int) -> str:
    return format_cents(cents)
