"""The moderation app's personal data (core.privacy): the reports the person made, and what
moderators did about their account and content (removals, warnings, suspensions). Never the
reports about them or who made them: the reported person is not told who reported them, or
that a report was dismissed."""

from core.privacy import Blocker

from .models import ActionKind, ModerationAction, Report

TOLD = (ActionKind.HIDE, ActionKind.WARN, ActionKind.SUSPEND, ActionKind.UNSUSPEND)


def export(user) -> dict:
    return {
        "reports_made": [{
            "about": report.get_target_kind_display(), "target_id": report.target_id,
            "reason": report.get_reason_display(), "details": report.details, "status": report.get_status_display(),
            "sent_at": report.created_at, "handled_at": report.handled_at,
        } for report in Report.objects.filter(reporter=user).order_by("created_at")],
        "moderation_of_your_account": [{
            "action": action.get_kind_display(), "about": action.get_target_kind_display() if action.target_kind else "",
            "reason": action.reason, "at": action.created_at,
            **({"bids_withdrawn": action.details.get("bids_withdrawn", 0)} if action.kind == ActionKind.SUSPEND else {}),
        } for action in ModerationAction.objects.filter(subject=user, kind__in=TOLD).order_by("created_at")],
        "suspended": {"since": user.suspended_at, "reason": user.suspension_reason} if user.suspended_at else None,
    }


def erasure_blockers(user) -> list[Blocker]:
    return []


def erase(user) -> None:
    """Nothing is removed: reports and moderation decisions are the platform's safety record
    (staff act on them, repeated abuse is recognised by them) and stay with the pseudonymised
    account, like the audit log. The reporter's identity stays hidden from the reported person."""
