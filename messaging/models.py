"""Private messages between the two parties of a contract, from the award on.

Before the award there is no private channel on purpose: sealed bidding means every bidder
has the same information (the public Q&A of the job).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import BaseModel, Hideable, hidden_has_reason
from core.uploads import RandomUploadTo


class Message(BaseModel, Hideable):
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contract_messages")
    body = models.TextField(max_length=5000, blank=True)
    # Hideable (hidden_at, hidden_reason) — removed by moderators (services.message_hide): the other party no longer sees it or its
    # files; the author sees the reason in its place; staff see both.

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["contract", "created_at"], name="message_contract_created_idx")]
        constraints = [hidden_has_reason("message_hidden_has_reason")]

    def __str__(self):
        return f"Message {str(self.pk)[:8]}"


class Attachment(BaseModel):
    """A photo or PDF, checked by content like completion evidence (contracts.evidence)."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=RandomUploadTo("private/messages"), max_length=200)
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=60)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["message", "created_at"], name="attachment_message_idx")]
        constraints = [models.CheckConstraint(condition=Q(size_bytes__gt=0), name="attachment_size_positive")]

    def __str__(self):
        return self.original_name


class ThreadRead(BaseModel):
    """How far a party has read the contract's thread; unread = the other party's later messages."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE, related_name="thread_reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_reads")
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contract", "user"], name="thread_read_unique")]

    def __str__(self):
        return f"{self.user_id} read {self.contract_id} to {self.last_read_at:%Y-%m-%d %H:%M}"


class Citation(BaseModel):
    """A message a party puts forward as evidence in a dispute on the same contract. It lives
    here (messaging sits above disputes) so disputes never needs to know about messages."""

    dispute = models.ForeignKey("disputes.Dispute", on_delete=models.CASCADE, related_name="message_citations")
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="citations")
    cited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["dispute", "message"], name="citation_once_per_dispute")]

    def __str__(self):
        return f"{self.message_id} cited in {self.dispute_id}"
