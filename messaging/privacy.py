"""The messaging app's personal data (core.privacy): the threads of the person's contracts."""

from django.db.models import Prefetch, Q

from core.privacy import Blocker

from .models import Attachment, Message, ThreadRead


def export(user) -> dict:
    """Every message of every thread the person is a party to (they saw them all), with
    the names of attached files; the other party is "the other party", never their name."""
    messages = (Message.objects.filter(Q(contract__homeowner=user) | Q(contract__contractor=user))
                .select_related("contract__job")
                .prefetch_related(Prefetch("attachments", Attachment.objects.order_by("created_at")))
                .order_by("contract_id", "created_at"))
    return {"contract_messages": [{
        "job": m.contract.job.title,
        "from": "you" if m.author_id == user.pk else "the other party",
        "body": m.body,
        "sent_at": m.created_at,
        "files": [a.original_name for a in m.attachments.all()],
    } for m in messages]}


def erasure_blockers(user) -> list[Blocker]:
    # A thread is never an obligation on its own: the contract it belongs to blocks (contracts.privacy).
    return []


def erase(user) -> None:
    """Messages and their files stay: the other party of the contract, and staff deciding a
    dispute that cites them, rely on the written record of what was agreed; they point at
    the pseudonymised account. Only the person's read markers go."""
    ThreadRead.objects.filter(user=user).delete()
