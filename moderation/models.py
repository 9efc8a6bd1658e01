"""Reports anyone signed in sends about content they can see, and what staff did about them.

Report:  open -> actioned (content hidden, author warned or suspended) | dismissed
A moderation action (hide, warn, suspend, unsuspend, dismiss) is its own row: the log of what
staff did to whom and why, whether or not a report led to it. The reporter is never shown to
the person reported (not in notifications, pages, the API or their data export).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import User
from core.models import BaseModel


class TargetKind(models.TextChoices):
    PROFILE = "profile", "Contractor profile"
    JOB = "job", "Job"
    QUESTION = "question", "Question"
    REVIEW = "review", "Review"
    MESSAGE = "message", "Message"


class ReportReason(models.TextChoices):
    SPAM = "spam", "Spam or advertising"
    ABUSIVE = "abusive", "Abusive, threatening or hateful"
    FRAUD = "fraud", "Fraud or a scam"
    OFF_PLATFORM = "off_platform_payment", "Asks for payment off the platform"
    INAPPROPRIATE = "inappropriate", "Inappropriate content"
    OTHER = "other", "Something else"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACTIONED = "actioned", "Actioned"
    DISMISSED = "dismissed", "Dismissed"


class ActionKind(models.TextChoices):
    HIDE = "hide", "Content removed"
    WARN = "warn", "Warned"
    SUSPEND = "suspend", "Account suspended"
    UNSUSPEND = "unsuspend", "Suspension lifted"
    DISMISS = "dismiss", "Reports dismissed"


class ModerationAction(BaseModel):
    """One staff decision. `subject` is the account it concerns (the author of the content);
    the target is the content, when the action was about one."""

    Kind = ActionKind

    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="moderation_actions")
    target_kind = models.CharField(max_length=20, choices=TargetKind.choices, blank=True)
    target_id = models.UUIDField(null=True, blank=True)
    reason = models.TextField(max_length=1000, blank=True)
    # What the action did beyond its kind, e.g. {"bids_withdrawn": 3} for a suspension.
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subject", "-created_at"], name="modaction_subject_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ActionKind.values), name="modaction_kind_valid"),
            # Everything but a dismissal is explained to the person it concerns.
            models.CheckConstraint(condition=Q(kind="dismiss") | ~Q(reason=""), name="modaction_reason_given"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})" if self.created_at else self.kind


class Report(BaseModel):
    Kind = TargetKind
    Reason = ReportReason
    Status = ReportStatus

    TRANSITIONS = {
        Status.OPEN: {Status.ACTIONED, Status.DISMISSED},
        Status.ACTIONED: set(),
        Status.DISMISSED: set(),
    }

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports_made")
    target_kind = models.CharField(max_length=20, choices=TargetKind.choices)
    target_id = models.UUIDField()
    # Who wrote the content (the account a warning or suspension would concern); set by the
    # service from the content itself, never from input.
    target_owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=30, choices=ReportReason.choices)
    details = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(max_length=1000, blank=True)
    action = models.ForeignKey(ModerationAction, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="reports")

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="report_queue_idx"),
            models.Index(fields=["target_kind", "target_id", "status"], name="report_target_idx"),
            models.Index(fields=["reporter", "-created_at"], name="report_reporter_idx"),
        ]
        constraints = [
            # A double click, a resent form or a retried API call is the same report.
            models.UniqueConstraint(fields=["reporter", "target_kind", "target_id"], condition=Q(status="open"),
                                    name="report_one_open_per_reporter_target"),
            models.CheckConstraint(condition=Q(target_kind__in=TargetKind.values), name="report_kind_valid"),
            models.CheckConstraint(condition=Q(reason__in=ReportReason.values), name="report_reason_valid"),
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="report_status_valid"),
            models.CheckConstraint(condition=Q(status="open") | Q(handled_at__isnull=False),
                                   name="report_closed_has_time"),
        ]
        permissions = [("suspend_account", "Can suspend and reinstate accounts")]

    def __str__(self):
        return f"Report on {self.get_target_kind_display().lower()} {str(self.target_id)[:8]}"


class SuspendedAccount(User):
    """The admin's list of suspended accounts (with "Lift the suspension"); no table of its own."""

    class Meta:
        proxy = True
        verbose_name = "suspended account"
