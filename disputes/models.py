"""Disputes: a timed ladder from the other party's response to staff mediation.

awaiting_response -> negotiation -> mediation -> resolved; withdrawn by the opener from any
open step. While a dispute is open its milestone is `disputed`, which is the one freeze:
approval, auto-approval and release all require another milestone status.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.models import BaseModel
from core.money import MAX_AMOUNT_CENTS
from core.uploads import RandomUploadTo

RESPONSE_DAYS = 5
NEGOTIATION_DAYS = 5
# After a withdrawal the homeowner gets at least this long before a submitted milestone
# auto-approves, even if the clock had almost run out when the dispute was opened.
MIN_AUTO_APPROVE_AFTER_WITHDRAWAL = timedelta(days=3)


class DisputeStatus(models.TextChoices):
    AWAITING_RESPONSE = "awaiting_response", "Awaiting response"
    NEGOTIATION = "negotiation", "Negotiation"
    MEDIATION = "mediation", "Staff mediation"
    RESOLVED = "resolved", "Resolved"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DisputeReason(models.TextChoices):
    QUALITY = "quality", "Quality of the work"
    INCOMPLETE = "incomplete", "Work not finished"
    NO_SHOW = "no_show", "Contractor did not show up"
    DAMAGE = "damage", "Damage to the property"
    PAYMENT = "payment", "Payment problem"
    OTHER = "other", "Something else"


class Outcome(models.TextChoices):
    RELEASE = "release", "Released to the contractor"
    REFUND = "refund", "Refunded to the homeowner"
    SPLIT = "split", "Split"


class Dispute(BaseModel):
    Status = DisputeStatus
    Reason = DisputeReason
    Outcome = Outcome

    TRANSITIONS = {
        # No response in time skips negotiation: there is nobody to negotiate with.
        Status.AWAITING_RESPONSE: {Status.NEGOTIATION, Status.MEDIATION, Status.RESOLVED, Status.WITHDRAWN},
        Status.NEGOTIATION: {Status.MEDIATION, Status.RESOLVED, Status.WITHDRAWN},
        Status.MEDIATION: {Status.RESOLVED, Status.WITHDRAWN},
        Status.RESOLVED: set(),
        Status.WITHDRAWN: set(),
    }
    OPEN = (Status.AWAITING_RESPONSE, Status.NEGOTIATION, Status.MEDIATION)

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="disputes")
    milestone = models.ForeignKey("contracts.Milestone", on_delete=models.PROTECT, related_name="disputes")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes_opened")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    description = models.TextField(max_length=5000)
    requested_refund_cents = models.BigIntegerField(default=0)
    # The milestone amount when the dispute opened: what an outcome divides (and the admin's
    # amount filter, indexed without a join).
    amount_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_RESPONSE)
    # Where the milestone was, so a withdrawal can put it back, and how much of its
    # auto-approve clock was left.
    milestone_status_before = models.CharField(max_length=20)
    auto_approve_remaining = models.DurationField(null=True, blank=True)
    response_due_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    negotiation_due_at = models.DateTimeField(null=True, blank=True)
    # The deadline of the current step (null in mediation and once closed): the ladder task
    # and the admin's "overdue" filter read only this column.
    deadline_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    contractor_amount_cents = models.BigIntegerField(null=True, blank=True)
    refund_cents = models.BigIntegerField(null=True, blank=True)
    fee_refund_cents = models.BigIntegerField(null=True, blank=True)
    # The platform fee on the refunded part goes back through payments' one refund path.
    fee_refund = models.OneToOneField("payments.Refund", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="dispute_for_fee")
    resolution_reason = models.TextField(max_length=5000, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", help_text="The staff member who decided; empty for a settlement.")
    accepted_offer = models.ForeignKey("disputes.Offer", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "deadline_at"], name="dispute_ladder_idx"),
            models.Index(fields=["status", "-created_at"], name="dispute_status_idx"),
            models.Index(fields=["amount_cents"], name="dispute_amount_idx"),
            models.Index(fields=["contract", "-created_at"], name="dispute_contract_idx"),
            models.Index(fields=["opened_by", "-created_at"], name="dispute_opener_idx"),
            models.Index(fields=["resolved_at"], name="dispute_resolved_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["milestone"], condition=Q(status__in=["awaiting_response", "negotiation", "mediation"]),
                                    name="dispute_one_open_per_milestone"),
            models.CheckConstraint(condition=Q(status__in=DisputeStatus.values), name="dispute_status_valid"),
            models.CheckConstraint(condition=Q(reason__in=DisputeReason.values), name="dispute_reason_valid"),
            models.CheckConstraint(condition=Q(outcome__in=["", *Outcome.values]), name="dispute_outcome_valid"),
            models.CheckConstraint(condition=Q(amount_cents__gt=0, amount_cents__lte=MAX_AMOUNT_CENTS),
                                   name="dispute_amount_range"),
            models.CheckConstraint(
                condition=Q(requested_refund_cents__gte=0, requested_refund_cents__lte=F("amount_cents")),
                name="dispute_requested_refund_range"),
            # A resolved dispute has an outcome whose two parts add up to the milestone.
            models.CheckConstraint(
                condition=~Q(status="resolved") | (
                    ~Q(outcome="") & Q(contractor_amount_cents__gte=0, refund_cents__gte=0, fee_refund_cents__gte=0)
                    & Q(contractor_amount_cents=F("amount_cents") - F("refund_cents"))),
                name="dispute_resolution_complete"),
        ]

    def __str__(self):
        return f"Dispute {str(self.pk)[:8]} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def party_role(self, user) -> str | None:
        if user is None:
            return None
        if user.pk == self.contract.homeowner_id:
            return "homeowner"
        if user.pk == self.contract.contractor_id:
            return "contractor"
        return None

    def other_party(self, user):
        contract = self.contract
        return contract.contractor if user.pk == contract.homeowner_id else contract.homeowner


class DisputeFile(BaseModel):
    """Evidence: attached when opening (message empty) or to a message. Checked by content
    (contracts.evidence.clean_evidence) and stored under a random, private key."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="files")
    message = models.ForeignKey("disputes.DisputeMessage", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="files")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=RandomUploadTo("disputes/evidence"), max_length=200)
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=60)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["dispute", "created_at"], name="dispute_file_idx")]

    def __str__(self):
        return self.original_name


class DisputeMessage(BaseModel):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=5000)
    # Written by staff (shown as "FairTradeWorker staff" to the parties).
    by_staff = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["dispute", "created_at"], name="dispute_message_idx")]

    def __str__(self):
        return f"Message {str(self.pk)[:8]}"


class StaffNote(BaseModel):
    """Internal mediation notes: never selected by any party-facing selector or serializer."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="staff_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=5000)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["dispute", "created_at"], name="dispute_note_idx")]

    def __str__(self):
        return f"Note {str(self.pk)[:8]}"


class OfferStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Replaced by a newer offer"
    LAPSED = "lapsed", "Lapsed (dispute closed)"


class Offer(BaseModel):
    """A proposed split: the contractor gets `contractor_amount_cents`, the homeowner is
    refunded the rest. A party's offer needs the other party's acceptance; a staff
    proposal needs both parties'."""

    Status = OfferStatus
    TRANSITIONS = {
        Status.PENDING: {Status.ACCEPTED, Status.REJECTED, Status.SUPERSEDED, Status.LAPSED},
        Status.ACCEPTED: set(),
        Status.REJECTED: set(),
        Status.SUPERSEDED: set(),
        Status.LAPSED: set(),
    }

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="offers")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_staff = models.BooleanField(default=False)
    contractor_amount_cents = models.BigIntegerField()
    refund_cents = models.BigIntegerField()
    note = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    homeowner_accepted_at = models.DateTimeField(null=True, blank=True)
    contractor_accepted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["dispute", "status"], name="offer_dispute_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(contractor_amount_cents__gte=0, refund_cents__gte=0),
                                   name="offer_amounts_non_negative"),
            models.CheckConstraint(condition=Q(contractor_amount_cents__gt=0) | Q(refund_cents__gt=0),
                                   name="offer_not_empty"),
            models.CheckConstraint(condition=Q(status__in=OfferStatus.values), name="offer_status_valid"),
        ]

    def __str__(self):
        return f"Offer {str(self.pk)[:8]} ({self.status})"

    @property
    def total_cents(self):
        return self.contractor_amount_cents + self.refund_cents


class DisputeEvent(BaseModel):
    """The dispute's own timeline of status changes (messages and offers have their rows)."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Dispute opened"
        RESPONDED = "responded", "Response received: negotiation started"
        ESCALATED = "escalated", "Escalated to staff mediation"
        OFFER_ACCEPTED = "offer_accepted", "Offer accepted"
        OFFER_REJECTED = "offer_rejected", "Offer rejected"
        WITHDRAWN = "withdrawn", "Withdrawn by the opener"
        RESOLVED = "resolved", "Resolved"

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    text = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["dispute", "created_at"], name="dispute_event_idx")]

    def __str__(self):
        return self.get_kind_display()
