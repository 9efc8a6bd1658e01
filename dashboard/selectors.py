"""The dashboard's to-do list: what is waiting on this person, most urgent first, then their
recent activity. Each kind of to-do is one query (no per-row queries), so the page's query
count is bounded whatever the number of jobs, contracts or messages (pinned in the tests).

One hand-written query first asks which kinds can have anything for this person (_kinds_waiting);
only those kinds' queries run. Most people have nothing of most kinds waiting, and each ORM
query costs 1–2 ms of CPU to build whether or not it finds a row.

This app sits at the top layer: it only reads other apps' models and selectors.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from bids.models import Bid
from contracts.models import ChangeOrder, Contract, Milestone
from core.money import format_cents
from core.rawsql import bind, name
from disputes.models import Dispute
from jobs.models import Job, Question
from messaging.models import Message
from messaging.selectors import unread_threads
from notifications.models import Notification
from payments.models import PayoutAccount
from reviews.models import REVIEW_WINDOW, Review

SOON = timedelta(days=2)
HOMEOWNER_KINDS = {"submitted", "unfunded", "questions", "jobs"}
CONTRACTOR_KINDS = {"funded", "payout_setup", "bids"}


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
    kinds = _kinds_waiting(user, now)
    items: list[Todo] = []
    if user.is_homeowner:
        items += _homeowner(user, now, kinds)
    elif user.is_contractor:
        items += _contractor(user, now, kinds)
    items += _both(user, now, kinds)
    # Urgent first, then by due date (undated last), then as listed.
    return sorted(items, key=lambda t: (not t.urgent, t.due is None, t.due or now))


def _homeowner(user, now, kinds) -> list[Todo]:
    items = []
    for ms in (Milestone.objects.filter(contract__homeowner=user, status=Milestone.Status.SUBMITTED)
               .select_related("contract__job").order_by("auto_approve_at") if "submitted" in kinds else ()):
        items.append(Todo(
            f"Review the work on “{ms.title}” ({ms.contract.job.title})", _contract_url(ms.contract_id, f"#milestone-{ms.pk}"),
            "Review", due=ms.auto_approve_at, due_label="approves automatically",
            urgent=bool(ms.auto_approve_at and ms.auto_approve_at - now < timedelta(days=3))))
    in_escrow = Milestone.objects.filter(contract=OuterRef("contract"), status__in=Milestone.IN_ESCROW)
    earlier_unfunded = Milestone.objects.filter(contract=OuterRef("contract"), status=Milestone.Status.UNFUNDED,
                                                position__lt=OuterRef("position"))
    for ms in (Milestone.objects.filter(contract__homeowner=user, status=Milestone.Status.UNFUNDED,
                                        contract__status__in=[Contract.Status.AWAITING_FUNDING, Contract.Status.ACTIVE])
               .exclude(Exists(in_escrow)).exclude(Exists(earlier_unfunded)).select_related("contract__job")
               if "unfunded" in kinds else ()):
        items.append(Todo(
            f"Fund milestone {ms.position} “{ms.title}” ({ms.contract.job.title}): {_money(ms.total_due_cents)}",
            _contract_url(ms.contract_id, f"#milestone-{ms.pk}"), "Fund", note="The contractor starts once it is in escrow."))
    for row in (Question.objects.filter(job__homeowner=user, job__status=Job.Status.OPEN, answered_at__isnull=True,
                                        hidden_at__isnull=True).values("job", "job__title").annotate(n=Count("pk")).order_by("job__title")
                if "questions" in kinds else ()):
        n = row["n"]
        items.append(Todo(f"Answer {n} question{'s' if n != 1 else ''} on “{row['job__title']}”",
                          reverse("jobs:detail", args=[row["job"]]) + "#questions", "Answer"))
    for job in (Job.objects.filter(homeowner=user, status__in=[Job.Status.OPEN, Job.Status.REVIEWING]).filter(
            Q(status=Job.Status.REVIEWING) | Q(bidding_deadline__lte=now + SOON)).order_by("bidding_deadline")
            if "jobs" in kinds else ()):
        if job.status == Job.Status.REVIEWING:
            items.append(Todo(f"Compare the bids on “{job.title}” and hire", reverse("bids:compare", args=[job.pk]),
                              "Compare bids"))
        else:
            items.append(Todo(f"Bidding on “{job.title}” closes soon", reverse("jobs:detail", args=[job.pk]),
                              "View job", due=job.bidding_deadline, due_label="bidding closes"))
    return items


def _contractor(user, now, kinds) -> list[Todo]:
    items = []
    submissions = Milestone._meta.get_field("submissions").related_model.objects.filter(
        milestone=OuterRef("pk")).order_by("-created_at")
    for ms in (Milestone.objects.filter(contract__contractor=user, status=Milestone.Status.FUNDED)
               .select_related("contract__job")
               .annotate(change_note=Subquery(submissions.values("changes_requested_note")[:1]))
               if "funded" in kinds else ()):
        if ms.change_note:
            items.append(Todo(f"Changes requested on “{ms.title}” ({ms.contract.job.title})",
                              _contract_url(ms.contract_id, f"#milestone-{ms.pk}"), "See the note",
                              urgent=True, note=ms.change_note))
        else:
            items.append(Todo(f"Do the work and submit “{ms.title}” ({ms.contract.job.title}): {_money(ms.amount_cents)} "
                              "in escrow", _contract_url(ms.contract_id, f"#milestone-{ms.pk}"), "Submit completion"))
    # One query: any live contract, and no payout account that can receive transfers.
    payout_ready = PayoutAccount.objects.filter(user=user, payouts_enabled=True)
    needs_setup = "payout_setup" in kinds and (
        Contract.objects.filter(contractor=user).exclude(status=Contract.Status.CANCELLED)
        .exclude(Exists(payout_ready)).exists())
    if needs_setup:
        items.append(Todo("Finish your payout setup so approved milestones reach your bank",
                          reverse("payments:payouts"), "Set up payouts", urgent=True))
    for bid in (Bid.objects.filter(contractor=user, status=Bid.Status.ACTIVE, job__status=Job.Status.OPEN,
                                   job__bidding_deadline__lte=now + SOON).select_related("job")
                .order_by("job__bidding_deadline") if "bids" in kinds else ()):
        items.append(Todo(f"Bidding on “{bid.job.title}” closes soon: revise your bid if needed",
                          reverse("jobs:detail", args=[bid.job_id]), "View bid", due=bid.job.bidding_deadline,
                          due_label="bidding closes"))
    return items


def _both(user, now, kinds) -> list[Todo]:
    items = []
    for dispute in (Dispute.objects.filter(_party(user), status=Dispute.Status.AWAITING_RESPONSE)
                    .exclude(opened_by=user).select_related("contract__job").order_by("response_due_at")
                    if "disputes" in kinds else ()):
        items.append(Todo(f"Respond to the dispute on “{dispute.contract.job.title}”",
                          reverse("disputes:detail", args=[dispute.pk]), "Respond", due=dispute.response_due_at,
                          due_label="respond by", urgent=True))
    for contract_id, title, n in unread_threads(user) if "messages" in kinds else ():
        items.append(Todo(f"{n} unread message{'s' if n != 1 else ''} about “{title}”",
                          _contract_url(contract_id, "#messages"), "Read"))
    reviewed = Review.objects.filter(contract=OuterRef("pk"), author=user)
    for contract in (Contract.objects.filter(Q(homeowner=user) | Q(contractor=user), status=Contract.Status.COMPLETED,
                                             completed_at__gte=now - REVIEW_WINDOW)
                     .exclude(Exists(reviewed)).select_related("job") if "reviews" in kinds else ()):
        items.append(Todo(f"Leave a review for “{contract.job.title}”", reverse("reviews:write", args=[contract.pk]),
                          "Write a review", due=contract.completed_at + REVIEW_WINDOW, due_label="reviews close"))
    if "change_orders" in kinds:
        items += _change_orders(user)
    return items


def _change_orders(user) -> list[Todo]:
    pending = (ChangeOrder.objects.filter(_party(user), status=ChangeOrder.Status.PENDING).exclude(proposed_by=user)
               .select_related("contract__job", "proposed_by"))
    return [Todo(f"{order.proposed_by.display_name} proposed a change to “{order.contract.job.title}”: accept or decline",
                 reverse("contracts:change_order", args=[order.contract_id, order.pk]), "Review the change",
                 urgent=True) for order in pending]


def _kinds_waiting(user, now) -> set[str]:
    """The kinds of to-do that may have rows for `user`, in one round trip. Each check is a
    cheap EXISTS that is looser than its kind's query (never stricter: a kind it rules out
    has nothing to show), so the answer decides only which queries to run. Table names come
    from the models; every value is a bound parameter."""
    tables = {key: name(model) for key, model in (
        ("milestone", Milestone), ("contract", Contract), ("job", Job), ("question", Question), ("bid", Bid),
        ("dispute", Dispute), ("message", Message), ("change_order", ChangeOrder), ("payout", PayoutAccount))}
    party = "(c.homeowner_id = %s OR c.contractor_id = %s)"
    mine = [user.pk, user.pk]
    checks = [
        ("submitted", "SELECT 1 FROM {milestone} m JOIN {contract} c ON c.id = m.contract_id"
                      " WHERE c.homeowner_id = %s AND m.status = %s", [user.pk, Milestone.Status.SUBMITTED]),
        ("unfunded", "SELECT 1 FROM {milestone} m JOIN {contract} c ON c.id = m.contract_id"
                     " WHERE c.homeowner_id = %s AND m.status = %s", [user.pk, Milestone.Status.UNFUNDED]),
        ("questions", "SELECT 1 FROM {question} q JOIN {job} j ON j.id = q.job_id"
                      " WHERE j.homeowner_id = %s AND q.answered_at IS NULL", [user.pk]),
        ("jobs", "SELECT 1 FROM {job} j WHERE j.homeowner_id = %s"
                 " AND (j.status = %s OR (j.status = %s AND j.bidding_deadline <= %s))",
         [user.pk, Job.Status.REVIEWING, Job.Status.OPEN, now + SOON]),
        ("funded", "SELECT 1 FROM {milestone} m JOIN {contract} c ON c.id = m.contract_id"
                   " WHERE c.contractor_id = %s AND m.status = %s", [user.pk, Milestone.Status.FUNDED]),
        ("payout_setup", "SELECT 1 FROM {contract} c WHERE c.contractor_id = %s AND NOT EXISTS"
                         " (SELECT 1 FROM {payout} p WHERE p.user_id = %s AND p.payouts_enabled)", [user.pk, user.pk]),
        ("bids", "SELECT 1 FROM {bid} b JOIN {job} j ON j.id = b.job_id"
                 " WHERE b.contractor_id = %s AND b.status = %s AND j.bidding_deadline <= %s",
         [user.pk, Bid.Status.ACTIVE, now + SOON]),
        ("disputes", "SELECT 1 FROM {dispute} d JOIN {contract} c ON c.id = d.contract_id"
                     " WHERE {party} AND d.status = %s", [*mine, Dispute.Status.AWAITING_RESPONSE]),
        ("messages", "SELECT 1 FROM {message} x JOIN {contract} c ON c.id = x.contract_id"
                     " WHERE {party} AND x.author_id <> %s", [*mine, user.pk]),
        ("reviews", "SELECT 1 FROM {contract} c WHERE {party} AND c.status = %s AND c.completed_at >= %s",
         [*mine, Contract.Status.COMPLETED, now - REVIEW_WINDOW]),
        ("change_orders", "SELECT 1 FROM {change_order} o JOIN {contract} c ON c.id = o.contract_id"
                          " WHERE {party} AND o.status = %s", [*mine, ChangeOrder.Status.PENDING]),
    ]
    skip = HOMEOWNER_KINDS if not user.is_homeowner else set()
    skip |= CONTRACTOR_KINDS if not user.is_contractor else set()
    checks = [check for check in checks if check[0] not in skip]
    columns = ", ".join(f"EXISTS ({sql.format(**tables, party=party)})" for _, sql, _ in checks)
    params = [bind(value) for _, _, values in checks for value in values]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}", params)  # noqa: S608 # nosec B608 (model table names, bound values)
        found = cursor.fetchone()
    return {kind for (kind, _, _), yes in zip(checks, found, strict=True) if yes}


def recent_activity(user, limit=8):
    return list(Notification.objects.filter(recipient=user).order_by("-created_at")[:limit])


def _money(cents: int) -> str:
    return format_cents(cents)
