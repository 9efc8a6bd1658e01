"""Recompute contractors' profile metrics (ContractorStats) from real rows.

Run by the `directory.refresh_stats` beat task: every 15 minutes for contractors with
activity in the last hour (overlapping windows, so a late or skipped run loses nothing),
and nightly for everyone (a wait crossing the one-week line changes no row). A batch of
contractors costs the same three reads whatever their history; reads run outside any lock
and the rows are upserted, so two refreshes at once only write the same numbers twice.
"""

from collections import defaultdict
from datetime import timedelta
from itertools import groupby

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from accounts.models import User
from contracts.models import Contract, Milestone, Submission
from disputes.models import Dispute
from messaging.models import Message

from . import metrics
from .models import ContractorStats

RECENT_WINDOW = timedelta(hours=1)
BATCH = 200
FIELDS = ["contracts", "contracts_disputed", "milestones_completed", "milestones_on_time", "reply_samples",
          "reply_median_minutes", "computed_at", "updated_at"]


def changed_since(moment, now=None) -> set:
    """Contractors whose numbers may have moved since `moment`."""
    now = now or timezone.now()
    ids = set(Contract.objects.filter(updated_at__gte=moment).values_list("contractor_id", flat=True))
    ids |= set(Milestone.objects.filter(updated_at__gte=moment).values_list("contract__contractor_id", flat=True))
    ids |= set(Dispute.objects.filter(updated_at__gte=moment).values_list("contract__contractor_id", flat=True))
    # New messages, and homeowner messages whose week without an answer ran out meanwhile.
    ids |= set(Message.objects.filter(created_at__gte=moment).values_list("contract__contractor_id", flat=True))
    ids |= set(Message.objects.filter(created_at__gte=moment - metrics.UNANSWERED_AFTER,
                                      created_at__lt=now - metrics.UNANSWERED_AFTER)
               .values_list("contract__contractor_id", flat=True))
    return ids


def everyone() -> set:
    return set(Contract.objects.values_list("contractor_id", flat=True).distinct())


def refresh(contractor_ids, now=None) -> int:
    """Recompute and store the stats of these contractors; returns how many rows were written."""
    now = now or timezone.now()
    ids = sorted(set(contractor_ids), key=str)
    written = 0
    for start in range(0, len(ids), BATCH):
        # A closed account keeps its contracts but no longer has a profile to show figures on.
        batch = list(User.objects.filter(pk__in=ids[start:start + BATCH], is_active=True).values_list("pk", flat=True))
        rows = _compute(batch, now)
        ContractorStats.objects.bulk_create(rows, update_conflicts=True, unique_fields=["contractor"],
                                            update_fields=FIELDS)
        written += len(rows)
    return written


def _compute(ids, now) -> list[ContractorStats]:
    counts = defaultdict(lambda: defaultdict(int))
    live = Contract.objects.filter(contractor_id__in=ids, status__in=[Contract.Status.ACTIVE, Contract.Status.COMPLETED])
    disputed = Dispute.objects.filter(contract=OuterRef("pk")).exclude(status=Dispute.Status.WITHDRAWN)
    for contractor_id, has_dispute in live.annotate(d=Exists(disputed)).values_list("contractor_id", "d"):
        counts[contractor_id]["contracts"] += 1
        counts[contractor_id]["contracts_disputed"] += bool(has_dispute)

    first_submission = Submission.objects.filter(milestone=OuterRef("pk")).order_by("created_at").values("created_at")[:1]
    done = (Milestone.objects.filter(contract__contractor_id__in=ids,
                                     status__in=[Milestone.Status.RELEASED, Milestone.Status.SPLIT])
            .annotate(first=Subquery(first_submission))
            .values_list("contract__contractor_id", "contract__start_on", "contract__estimated_days",
                         "contract__bid__proposed_start", "contract__bid__estimated_days", "contract__activated_at",
                         "first"))
    for contractor_id, start_on, days, bid_start, bid_days, activated_at, first in done:
        due = metrics.milestone_due(planned_start=start_on or bid_start, estimated_days=days or bid_days,
                                    first_funded=activated_at)
        counts[contractor_id]["milestones_completed"] += 1
        counts[contractor_id]["milestones_on_time"] += metrics.submitted_on_time(first, due)

    waits = defaultdict(list)
    messages = (Message.objects.filter(contract__contractor_id__in=ids).order_by("contract_id", "created_at")
                .values_list("contract_id", "contract__contractor_id", "author_id", "created_at"))
    for (_, contractor_id), rows in groupby(messages.iterator(chunk_size=2000), key=lambda r: (r[0], r[1])):
        waits[contractor_id] += metrics.reply_waits(((r[2], r[3]) for r in rows), contractor_id, now)

    return [ContractorStats(contractor_id=pk, computed_at=now, reply_samples=len(waits[pk]),
                            reply_median_minutes=metrics.median_minutes(waits[pk]), **counts[pk]) for pk in ids]
