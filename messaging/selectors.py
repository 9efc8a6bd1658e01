"""Who may read a contract's thread: its two parties always; staff only once the contract
has a dispute (they mediate with the conversation in front of them). Everyone else: 404.
No bidder ever has a thread before the award: messages hang off a contract."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from contracts.models import Contract
from contracts.selectors import contracts_visible_to
from core import private_files
from disputes.models import Dispute

from .models import Attachment, Citation, Message, ThreadRead

LINK_SALT = "messaging.attachment"


def _thread_contracts(user) -> QuerySet[Contract]:
    contracts = contracts_visible_to(user)
    if user.is_authenticated and user.is_staff:
        # Staff who are not a party read only threads of disputed contracts.
        contracts = contracts.filter(
            Q(homeowner=user) | Q(contractor=user) | Exists(Dispute.objects.filter(contract=OuterRef("pk")))
        )
    return contracts


def thread_contract_for(user, contract_id) -> Contract:
    return get_object_or_404(_thread_contracts(user), pk=contract_id)


def can_write(user, contract) -> bool:
    return user.is_authenticated and user.pk in (contract.homeowner_id, contract.contractor_id)


def shown_to(user) -> Q:
    """Messages removed by moderators are gone for the other party; their author (who sees
    the reason) and staff still get them."""
    if user is not None and user.is_authenticated and user.is_staff:
        return Q()
    return Q(hidden_at__isnull=True) | Q(author_id=getattr(user, "pk", None))


def messages_of(contract, viewer) -> QuerySet[Message]:
    """The thread as `viewer` sees it, oldest first, with authors and attachments in a fixed
    number of queries."""
    return (
        Message.objects.filter(shown_to(viewer), contract=contract)
        .select_related("author", "author__contractor_profile")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("created_at")))
        .annotate(citation_count=Count("citations"))
        .order_by("created_at")
    )


def last_read_at(user, contract):
    return ThreadRead.objects.filter(contract=contract, user=user).values_list("last_read_at", flat=True).first()


def unread_threads(user) -> list[tuple[Contract, int]]:
    """Contracts whose thread has messages from the other party this person has not read:
    one query whatever the number of contracts (the dashboard pins it)."""
    if not user.is_authenticated:
        return []
    read = ThreadRead.objects.filter(contract=OuterRef("contract"), user=user, last_read_at__gte=OuterRef("created_at"))
    rows = (
        Message.objects.filter(Q(contract__homeowner=user) | Q(contract__contractor=user), hidden_at__isnull=True)
        .exclude(author=user).exclude(Exists(read))
        .values("contract", "contract__job__title").annotate(unread=Count("pk")).order_by("contract")
    )
    return [(row["contract"], row["contract__job__title"], row["unread"]) for row in rows]


def attachment_for(user, pk) -> Attachment:
    attachment = get_object_or_404(Attachment.objects.select_related("message"), pk=pk)
    thread_contract_for(user, attachment.message.contract_id)  # 404 unless the reader may see the thread
    if not Message.objects.filter(shown_to(user), pk=attachment.message_id).exists():
        raise Http404  # its message was removed by moderators
    return attachment


def attachment_url(attachment, user) -> str:
    from django.urls import reverse

    token = private_files.link_token(LINK_SALT, attachment.pk, user.pk)
    return reverse("messaging:attachment", args=[attachment.pk, token])


def check_attachment_link(user, pk, token) -> None:
    private_files.check_link(LINK_SALT, pk, user.pk, token)


def citations_for(user, dispute) -> list[Citation]:
    """Messages cited in a dispute, for whoever may see the dispute (disputes.selectors)."""
    if dispute is None:
        raise Http404
    return list(
        Citation.objects.filter(dispute=dispute).select_related("message", "message__author", "cited_by")
        .prefetch_related("message__attachments").order_by("message__created_at")
    )


def open_dispute_of(contract):
    return Dispute.objects.filter(contract=contract, status__in=Dispute.OPEN).order_by("-created_at").first()
