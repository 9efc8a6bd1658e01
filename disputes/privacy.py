"""The disputes app's personal data (core.privacy): disputes on the person's contracts with
their messages, files, offers and outcome. Staff's internal notes are not theirs to see."""

from django.db.models import Prefetch, Q
from django.urls import reverse

from core.privacy import Blocker

from .models import Dispute, DisputeFile, DisputeMessage, Offer


def _who(user, author_id, by_staff=False) -> str:
    if by_staff:
        return "FairTradeWorker staff"
    return "you" if author_id == user.pk else "the other party"


def export(user) -> dict:
    disputes = (Dispute.objects.filter(Q(contract__homeowner=user) | Q(contract__contractor=user))
                .select_related("contract__job", "milestone")
                .prefetch_related(Prefetch("messages", DisputeMessage.objects.order_by("created_at")),
                                  Prefetch("files", DisputeFile.objects.order_by("created_at")),
                                  Prefetch("offers", Offer.objects.order_by("created_at")))
                .order_by("created_at"))
    out = []
    for d in disputes:
        files = list(d.files.all())
        out.append({
            "job": d.contract.job.title,
            "milestone": d.milestone.title,
            "opened_by": _who(user, d.opened_by_id),
            "reason": d.get_reason_display(),
            "description": d.description,
            "amount_cents": d.amount_cents,
            "requested_refund_cents": d.requested_refund_cents,
            "currency": d.currency,
            "status": d.get_status_display(),
            "opened_at": d.created_at,
            "outcome": d.get_outcome_display() if d.outcome else "",
            "contractor_amount_cents": d.contractor_amount_cents,
            "refund_cents": d.refund_cents,
            "resolution_reason": d.resolution_reason,
            "resolved_at": d.resolved_at,
            "withdrawn_at": d.withdrawn_at,
            "files_with_opening": [f.original_name for f in files if f.message_id is None],
            "messages": [{
                "from": _who(user, m.author_id, m.by_staff), "body": m.body, "sent_at": m.created_at,
                "files": [f.original_name for f in files if f.message_id == m.pk],
            } for m in d.messages.all()],
            "offers": [{
                "from": _who(user, o.made_by_id, o.by_staff), "contractor_amount_cents": o.contractor_amount_cents,
                "refund_cents": o.refund_cents, "note": o.note, "status": o.get_status_display(),
                "made_at": o.created_at, "decided_at": o.decided_at,
            } for o in d.offers.all()],
        })
    return {"disputes": out}


def erasure_blockers(user) -> list[Blocker]:
    disputes = (Dispute.objects.filter(Q(contract__homeowner=user) | Q(contract__contractor=user), status__in=Dispute.OPEN)
                .select_related("contract__job").order_by("created_at"))
    # A pending refund of the platform fee is a payments.Refund: payments.privacy answers for it.
    return [Blocker(f"A dispute on “{d.contract.job.title}” is still open ({d.get_status_display().lower()}).",
                    reverse("disputes:detail", args=[d.pk]), "Open the dispute") for d in disputes]


def erase(user) -> None:
    """Nothing is removed: a dispute, its messages, files and offers are the record of a
    decision that moved money between two people; the other party and staff rely on it.
    They stay, pointing at the pseudonymised account."""
