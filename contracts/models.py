import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.models import BaseModel
from core.money import MAX_AMOUNT_CENTS


class ContractStatus(models.TextChoices):
    AWAITING_FUNDING = "awaiting_funding", "Awaiting funding"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Contract(BaseModel):
    Status = ContractStatus

    # ARCHITECTURE.md: awaiting_funding -> active (first milestone funded) -> completed (every
    # milestone closed); awaiting_funding -> cancelled (the job goes back to reviewing).
    # A disputed milestone does not change the contract's status: it stays active.
    TRANSITIONS = {
        Status.AWAITING_FUNDING: {Status.ACTIVE, Status.CANCELLED},
        Status.ACTIVE: {Status.COMPLETED},
        Status.COMPLETED: set(),
        Status.CANCELLED: set(),
    }

    job = models.ForeignKey("jobs.Job", on_delete=models.PROTECT, related_name="contracts")
    bid = models.ForeignKey("bids.Bid", on_delete=models.PROTECT, related_name="contracts")
    homeowner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contracts_as_homeowner")
    contractor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contracts_as_contractor"
    )
    total_cents = models.BigIntegerField()
    # The platform fee rate at award time: a later change of PLATFORM_FEE_BPS never reprices it.
    fee_bps = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_FUNDING)
    activated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Terms version: 1 at the award, +1 per accepted change order (ContractVersion keeps each).
    version = models.PositiveIntegerField(default=1)
    # The timeline once a change order moved it; empty = the accepted bid's.
    start_on = models.DateField(null=True, blank=True)
    estimated_days = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["homeowner", "-created_at"], name="contract_homeowner_idx"),
            models.Index(fields=["contractor", "-created_at"], name="contract_contractor_idx"),
            models.Index(fields=["status"], name="contract_status_idx"),
        ]
        constraints = [
            # Two simultaneous awards cannot both produce a live contract.
            models.UniqueConstraint(fields=["job"], condition=~Q(status="cancelled"), name="contract_one_live_per_job"),
            models.CheckConstraint(condition=Q(total_cents__gt=0), name="contract_total_positive"),
            models.CheckConstraint(condition=Q(total_cents__lte=MAX_AMOUNT_CENTS), name="contract_total_cap"),
            models.CheckConstraint(condition=Q(fee_bps__gte=0, fee_bps__lte=10_000), name="contract_fee_bps_range"),
            models.CheckConstraint(condition=~Q(homeowner=F("contractor")), name="contract_parties_differ"),
            models.CheckConstraint(condition=Q(status__in=ContractStatus.values), name="contract_status_valid"),
        ]

    def __str__(self):
        return f"Contract {str(self.pk)[:8]}"

    @property
    def current_start(self):
        return self.start_on or self.bid.proposed_start

    @property
    def current_estimated_days(self):
        return self.estimated_days or self.bid.estimated_days


class MilestoneStatus(models.TextChoices):
    UNFUNDED = "unfunded", "Awaiting payment"
    FUNDED = "funded", "Funded (in escrow)"
    SUBMITTED = "submitted", "Submitted for approval"
    DISPUTED = "disputed", "Disputed"
    RELEASED = "released", "Released"
    REFUNDED = "refunded", "Refunded"
    SPLIT = "split", "Split"


class Milestone(BaseModel):
    Status = MilestoneStatus

    # ARCHITECTURE.md: unfunded -> funded -> submitted -> released; submitted -> funded when
    # the homeowner requests changes; submitted -> disputed -> released | refunded | split.
    # funded -> disputed: a dispute before any submission (work abandoned, no-show) must be
    # possible too. disputed -> funded | submitted: the opener withdraws the dispute and the
    # milestone returns to where it was. funded | submitted -> refunded: the homeowner's bank
    # kept a card dispute, or the charge was refunded in the Stripe dashboard, and nothing is
    # left in escrow (contracts.services.returned).
    TRANSITIONS = {
        Status.UNFUNDED: {Status.FUNDED},
        Status.FUNDED: {Status.SUBMITTED, Status.DISPUTED, Status.REFUNDED},
        Status.SUBMITTED: {Status.RELEASED, Status.FUNDED, Status.DISPUTED, Status.REFUNDED},
        Status.DISPUTED: {Status.RELEASED, Status.REFUNDED, Status.SPLIT, Status.FUNDED, Status.SUBMITTED},
        Status.RELEASED: set(),
        Status.REFUNDED: set(),
        Status.SPLIT: set(),
    }
    CLOSED = {Status.RELEASED, Status.REFUNDED, Status.SPLIT}
    IN_ESCROW = {Status.FUNDED, Status.SUBMITTED, Status.DISPUTED}

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    amount_cents = models.BigIntegerField()
    # The homeowner's fee on this milestone (contract.fee_bps, half up), fixed at award.
    fee_cents = models.BigIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNFUNDED)
    funded_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    auto_approve_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When released, refunded or split.")

    class Meta:
        ordering = ["contract", "position"]
        indexes = [
            # The auto-approve sweeper: submitted milestones whose clock ran out.
            models.Index(fields=["status", "auto_approve_at"], name="milestone_autoapprove_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["contract", "position"], name="milestone_position_unique"),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="milestone_amount_positive"),
            models.CheckConstraint(condition=Q(amount_cents__lte=MAX_AMOUNT_CENTS), name="milestone_amount_cap"),
            models.CheckConstraint(condition=Q(fee_cents__gte=0), name="milestone_fee_non_negative"),
            models.CheckConstraint(condition=Q(fee_cents__lte=F("amount_cents")), name="milestone_fee_lte_amount"),
            models.CheckConstraint(condition=Q(status__in=MilestoneStatus.values), name="milestone_status_valid"),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"

    @property
    def total_due_cents(self):
        """What the homeowner pays to fund it: the amount plus the platform fee."""
        return self.amount_cents + self.fee_cents


# --- completion submissions --------------------------------------------------------------
# The contractor's notes and evidence files for one milestone. A submission is immutable
# once made (a resubmission after "changes requested" is a new row). Files live under
# random keys in private storage and are only ever served through a short-lived signed
# link to the two parties and staff (contracts.views.evidence_file).


class Submission(BaseModel):
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="submissions")
    contractor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions")
    notes = models.TextField(max_length=5000)
    # Filled when the homeowner asks for changes on this submission.
    changes_requested_note = models.TextField(max_length=2000, blank=True)
    changes_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "payments_submission"  # moved from payments; the table kept its name
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["milestone", "-created_at"], name="submission_milestone_idx")]

    def __str__(self):
        return f"Submission {str(self.pk)[:8]} for {self.milestone_id}"


def evidence_path(instance, filename):
    ext = PurePosixPath(filename).suffix.lower()
    return f"private/evidence/{uuid.uuid4().hex}{ext}"


class EvidenceFile(BaseModel):
    class Kind(models.TextChoices):
        IMAGE = "image", "Photo"
        PDF = "pdf", "PDF"

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    content_type = models.CharField(max_length=60)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        db_table = "payments_evidencefile"  # moved from payments; the table kept its name
        ordering = ["created_at"]
        indexes = [models.Index(fields=["submission", "created_at"], name="evidence_submission_idx")]

    def __str__(self):
        return self.original_name


# --- change orders and versions ------------------------------------------------------------
class ChangeOrderStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ChangeOrder(BaseModel):
    """A proposed change to the unfunded part of a contract: milestones added, removed,
    re-priced or re-described, and/or the timeline moved. Accepting it makes a new
    ContractVersion; money already funded never changes through one."""

    Status = ChangeOrderStatus
    TRANSITIONS = {
        Status.PENDING: {Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN},
        Status.ACCEPTED: set(),
        Status.DECLINED: set(),
        Status.WITHDRAWN: set(),
    }

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="change_orders")
    number = models.PositiveIntegerField()
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The contract version it was written against: accepting it after another change is refused.
    base_version = models.PositiveIntegerField()
    reason = models.TextField(max_length=2000)
    new_start = models.DateField(null=True, blank=True)
    new_estimated_days = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_note = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["contract", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="change_order_number_unique"),
            # One open proposal at a time: the other party answers before anything else changes.
            models.UniqueConstraint(fields=["contract"], condition=Q(status="pending"), name="change_order_one_pending"),
            models.CheckConstraint(condition=Q(status__in=ChangeOrderStatus.values), name="change_order_status_valid"),
            models.CheckConstraint(condition=Q(new_estimated_days__isnull=True) | Q(new_estimated_days__gte=1),
                                   name="change_order_days_positive"),
        ]

    def __str__(self):
        return f"Change order {self.number}"


class ChangeOrderItem(BaseModel):
    class Kind(models.TextChoices):
        ADD = "add", "Add milestone"
        REMOVE = "remove", "Remove milestone"
        UPDATE = "update", "Change milestone"

    change_order = models.ForeignKey(ChangeOrder, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    milestone = models.ForeignKey(Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # What the milestone was when proposed (for remove/update), so the history reads on its own.
    old_title = models.CharField(max_length=120, blank=True)
    old_amount_cents = models.BigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=120, blank=True)
    amount_cents = models.BigIntegerField(null=True, blank=True)
    fee_cents = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["change_order", "created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["add", "remove", "update"]), name="co_item_kind_valid"),
            models.CheckConstraint(condition=Q(amount_cents__isnull=True) | Q(amount_cents__gt=0, amount_cents__lte=MAX_AMOUNT_CENTS),
                                   name="co_item_amount_range"),
            models.CheckConstraint(condition=Q(fee_cents__isnull=True) | Q(fee_cents__gte=0), name="co_item_fee_non_negative"),
            models.CheckConstraint(condition=Q(kind="add", milestone__isnull=True) | ~Q(kind="add"), name="co_item_add_is_new"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title or self.old_title}"


class ContractVersion(BaseModel):
    """Every version of the terms, kept: version 1 is the award, each accepted change order
    adds one. `milestones` is a snapshot [{position, title, amount_cents, fee_cents, status}]."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    change_order = models.OneToOneField(ChangeOrder, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="version")
    total_cents = models.BigIntegerField()
    fee_total_cents = models.BigIntegerField()
    start_on = models.DateField()
    estimated_days = models.PositiveIntegerField()
    milestones = models.JSONField()

    class Meta:
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contract_version_unique"),
            models.CheckConstraint(condition=Q(total_cents__gt=0), name="contract_version_total_positive"),
            models.CheckConstraint(condition=Q(fee_total_cents__gte=0), name="contract_version_fee_non_negative"),
        ]

    def __str__(self):
        return f"Version {self.number}"
