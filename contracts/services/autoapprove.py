"""Periodic: submitted milestones are approved when their clock runs out; homeowners are
reminded 7, 3 and 1 days before. One milestone per transaction (core.locks)."""

import math
from datetime import timedelta

from django.utils import timezone

from core.exceptions import InvalidState
from payments.notify import send

from ..models import Milestone
from .common import contract_url
from .completion import milestone_approve

REMINDER_DAYS = (7, 3, 1)


def milestones_auto_approve_due(*, now=None) -> int:
    now = now or timezone.now()
    due = list(Milestone.objects.filter(status=Milestone.Status.SUBMITTED, auto_approve_at__lte=now)
               .values_list("pk", flat=True)[:500])
    approved = 0
    for pk in due:
        try:
            milestone_approve(actor=None, milestone_id=pk, auto=True)
            approved += 1
        except InvalidState:
            continue  # approved, disputed or sent back meanwhile
    return approved


def auto_approve_reminders_send(*, now=None) -> int:
    """Remind the homeowner 7, 3 and 1 days before auto-approval (once each per submission)."""
    now = now or timezone.now()
    horizon = now + timedelta(days=max(REMINDER_DAYS))
    milestones = Milestone.objects.filter(
        status=Milestone.Status.SUBMITTED, auto_approve_at__gt=now, auto_approve_at__lte=horizon
    ).select_related("contract__job", "contract__homeowner")
    sent = 0
    for milestone in milestones:
        seconds_left = (milestone.auto_approve_at - now).total_seconds()
        days_left = max(1, math.ceil(seconds_left / 86400))
        threshold = min(d for d in REMINDER_DAYS if days_left <= d)
        contract = milestone.contract
        send("milestone.auto_approve_reminder", [contract.homeowner],
             {"job_title": contract.job.title, "milestone_title": milestone.title,
              "amount_cents": milestone.amount_cents, "days_left": days_left,
              "auto_approve_at": milestone.auto_approve_at, "url": contract_url(contract)},
             milestone, key=f"reminder:{milestone.pk}:{milestone.submitted_at:%Y%m%d%H%M%S}:{threshold}")
        sent += 1
    return sent
