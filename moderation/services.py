"""Every moderation write: a report, and staff's decisions on it (hide, warn, suspend,
dismiss; lifting a suspension). Moderation decides and records; the content is removed by
its own app's service (moderation/targets.py), the account is suspended by accounts', the
open bids are withdrawn by bids'. Every decision is audited and told to the person it
concerns, never naming who reported them.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

import audit
from accounts import services as account_services
from accounts.models import User
from bids import services as bid_services
from core.exceptions import InvalidState, PermissionDenied, RateLimited, ValidationFailed
from core.fsm import check_transition
from notifications import notify

from . import targets
from .models import ActionKind, ModerationAction, Report, ReportReason, TargetKind

REPORTS_PER_DAY = 20
RATE_WINDOW = timedelta(days=1)
DETAILS_MAX = 2000


def _clean_report(target_kind, reason, details) -> str:
    errors = {}
    if target_kind not in TargetKind.values:
        errors["target_kind"] = [f"One of: {', '.join(TargetKind.values)}."]
    if reason not in ReportReason.values:
        errors["reason"] = ["Choose a reason from the list."]
    details = (details or "").strip()
    if len(details) > DETAILS_MAX:
        errors["details"] = [f"At most {DETAILS_MAX:,} characters."]
    elif reason == ReportReason.OTHER and not details:
        errors["details"] = ["Tell us what is wrong: “Something else” needs a few words."]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    return details


def report_create(*, actor, target_kind: str, target_id, reason: str, details: str = "",
                  request=None) -> tuple[Report, bool]:
    """Returns (report, created). Reporting the same thing again while the first report is
    open returns that report (a double submit is one report). Raises Http404 when the target
    does not exist or the reporter may not see it."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("Log in to report something.", code="not_authenticated")
    details = _clean_report(target_kind, reason, details)
    target = targets.for_reporter(actor, target_kind, target_id)
    if target.owner_id == actor.pk:
        raise PermissionDenied(f"You cannot report your own {target.kind_label}.")
    with transaction.atomic():
        # The account row (core/locks.py level 0) serialises one person's reports, so the
        # daily limit holds under parallel requests.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        existing = Report.objects.filter(reporter=actor, target_kind=target.kind, target_id=target.id,
                                         status=Report.Status.OPEN).first()
        if existing is not None:
            return existing, False
        now = timezone.now()
        recent = Report.objects.filter(reporter=actor, created_at__gte=now - RATE_WINDOW)
        if recent.count() >= REPORTS_PER_DAY:
            oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
            raise RateLimited(f"You have sent {REPORTS_PER_DAY} reports in the last 24 hours, the most we take from "
                              "one person. Our moderators are working through them; try again tomorrow.",
                              retry_after=max(1, int((oldest + RATE_WINDOW - now).total_seconds()) + 1))
        try:
            with transaction.atomic():
                report = Report.objects.create(reporter=actor, target_kind=target.kind, target_id=target.id,
                                               target_owner_id=target.owner_id, reason=reason, details=details)
        except IntegrityError:  # the same report racing in from a second tab
            return Report.objects.get(reporter=actor, target_kind=target.kind, target_id=target.id,
                                      status=Report.Status.OPEN), False
        audit.record(actor, "report.created", report, request, kind=target.kind, content=str(target.id),
                     reason=reason)
    return report, True


# --- Staff decisions ----------------------------------------------------------------------
def _target_or_refuse(target_kind, target_id) -> targets.Target:
    if target_kind not in TargetKind.values:
        raise ValidationFailed("Unknown kind of content.", fields={"target_kind": ["Unknown."]})
    target = targets.for_staff(target_kind, target_id)
    if target is None:
        raise InvalidState("That content no longer exists.")
    return target


def _close_reports(*, actor, target_kind, target_id, status, action, note="") -> int:
    reports = list(Report.objects.select_for_update().filter(target_kind=target_kind, target_id=target_id,
                                                             status=Report.Status.OPEN))
    now = timezone.now()
    for report in reports:
        check_transition(Report.TRANSITIONS, report.status, status, label="report")
        report.status = status
        report.handled_by = actor
        report.handled_at = now
        report.action = action
        report.resolution_note = note[:1000]
        report.save(update_fields=["status", "handled_by", "handled_at", "action", "resolution_note", "updated_at"])
    return len(reports)


def _tell(user, event: str, context: dict, action) -> None:
    if user.is_active:  # a closed account has no address left to tell
        notify(event, user, context, target=action)


def content_hide(*, actor, target_kind: str, target_id, reason: str, request=None) -> ModerationAction:
    """Remove the content for everyone but its author (who sees the reason) and staff; the
    open reports on it are actioned and the author is told why."""
    account_services.require_moderator(actor)
    reason = account_services.clean_moderation_reason(reason)
    target = _target_or_refuse(target_kind, target_id)
    with transaction.atomic():
        targets.hide(actor=actor, kind=target.kind, target_id=target.id, reason=reason, request=request)
        owner = User.objects.get(pk=target.owner_id)
        action = ModerationAction.objects.create(kind=ActionKind.HIDE, actor=actor, subject=owner,
                                                 target_kind=target.kind, target_id=target.id, reason=reason)
        closed = _close_reports(actor=actor, target_kind=target.kind, target_id=target.id,
                                status=Report.Status.ACTIONED, action=action, note=reason)
        audit.record(actor, "moderation.content_hidden", owner, request, kind=target.kind, content=str(target.id),
                     reason=reason, reports=closed)
        _tell(owner, "moderation.content_removed", {"kind": target.kind_label, "reason": reason, "url": target.url},
              action)
    return action


def user_warn(*, actor, target_kind: str, target_id, reason: str, request=None) -> ModerationAction:
    """Warn the author of a piece of content; it stays up. Its open reports are actioned."""
    account_services.require_moderator(actor)
    reason = account_services.clean_moderation_reason(reason)
    target = _target_or_refuse(target_kind, target_id)
    with transaction.atomic():
        owner = User.objects.get(pk=target.owner_id)
        action = ModerationAction.objects.create(kind=ActionKind.WARN, actor=actor, subject=owner,
                                                 target_kind=target.kind, target_id=target.id, reason=reason)
        closed = _close_reports(actor=actor, target_kind=target.kind, target_id=target.id,
                                status=Report.Status.ACTIONED, action=action, note=reason)
        audit.record(actor, "moderation.user_warned", owner, request, kind=target.kind, content=str(target.id),
                     reason=reason, reports=closed)
        _tell(owner, "moderation.warning", {"kind": target.kind_label, "reason": reason, "url": target.url}, action)
    return action


def user_suspend(*, actor, user_id, reason: str, target_kind: str = "", target_id=None,
                 request=None) -> ModerationAction:
    """Suspend the account and, for a contractor, withdraw every live bid on a job not yet
    awarded, in one transaction: the account row first, then each job and its bids
    (core/locks.py). The contractor is told with the count; each homeowner that a bid on
    their job was withdrawn (bids.announce), never whose or how much."""
    target = _target_or_refuse(target_kind, target_id) if target_kind else None
    with transaction.atomic():
        user = account_services.user_suspend(actor=actor, user_id=user_id, reason=reason, request=request)
        withdrawn = (bid_services.bids_withdraw_for_suspension(actor=actor, contractor=user,
                                                              reason=user.suspension_reason, request=request)
                     if user.is_contractor else [])
        job_titles = list(dict.fromkeys(bid.job.title for bid in withdrawn))
        action = ModerationAction.objects.create(
            kind=ActionKind.SUSPEND, actor=actor, subject=user, reason=user.suspension_reason,
            target_kind=target.kind if target else "", target_id=target.id if target else None,
            details={"bids_withdrawn": len(withdrawn), "jobs": [str(bid.job_id) for bid in withdrawn]})
        closed = 0
        if target is not None:
            closed = _close_reports(actor=actor, target_kind=target.kind, target_id=target.id,
                                    status=Report.Status.ACTIONED, action=action, note=user.suspension_reason)
        audit.record(actor, "moderation.user_suspended", user, request, reason=user.suspension_reason,
                     bids_withdrawn=len(withdrawn), reports=closed)
        context = {"reason": user.suspension_reason, "bids_withdrawn": len(withdrawn), "url": reverse("accounts:dashboard")}
        if job_titles:
            context["jobs"] = ", ".join(f"“{title}”" for title in job_titles)
        _tell(user, "account.suspended", context, action)
    return action


def user_unsuspend(*, actor, user_id, note: str = "", request=None) -> ModerationAction:
    note = (note or "").strip()
    if len(note) > account_services.MODERATION_REASON_MAX:
        raise ValidationFailed("At most 500 characters.", fields={"note": ["At most 500 characters."]})
    with transaction.atomic():
        user = account_services.user_unsuspend(actor=actor, user_id=user_id, note=note, request=request)
        action = ModerationAction.objects.create(kind=ActionKind.UNSUSPEND, actor=actor, subject=user,
                                                 reason=note or "Suspension lifted by staff.")
        audit.record(actor, "moderation.user_unsuspended", user, request, note=note)
        context = {"url": reverse("accounts:dashboard")}
        if note:
            context["note"] = note
        _tell(user, "account.reinstated", context, action)
    return action


def reports_dismiss(*, actor, target_kind: str, target_id, note: str = "", request=None) -> ModerationAction:
    """Nothing wrong found: the open reports on the content are closed; nobody is notified
    (the author never learns they were reported)."""
    account_services.require_moderator(actor)
    note = (note or "").strip()[:1000]
    target = _target_or_refuse(target_kind, target_id)
    with transaction.atomic():
        action = ModerationAction.objects.create(kind=ActionKind.DISMISS, actor=actor, subject_id=target.owner_id,
                                                 target_kind=target.kind, target_id=target.id, reason=note)
        closed = _close_reports(actor=actor, target_kind=target.kind, target_id=target.id,
                                status=Report.Status.DISMISSED, action=action, note=note)
        if not closed:
            raise InvalidState("There are no open reports on this to dismiss.")
        audit.record(actor, "moderation.reports_dismissed", action, request, kind=target.kind,
                     content=str(target.id), reports=closed)
    return action
