"""Disputes are visible to the two parties of the contract and to staff; anyone else
gets a 404. Staff notes are never selected here: only the admin reads them."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from contracts.models import Milestone

from .models import Dispute, DisputeEvent, DisputeFile, DisputeMessage, Offer


def disputes_visible_to(user) -> QuerySet[Dispute]:
    if user is None or not user.is_authenticated:
        return Dispute.objects.none()
    disputes = Dispute.objects.select_related("contract__job", "contract__homeowner", "contract__contractor",
                                              "milestone", "opened_by")
    if user.is_staff:
        return disputes
    return disputes.filter(Q(contract__homeowner=user) | Q(contract__contractor=user))


def dispute_for(user, pk) -> Dispute:
    return get_object_or_404(disputes_visible_to(user), pk=pk)


def dispute_detail_for(user, pk) -> Dispute:
    """One dispute with everything its page and the API show, in a fixed number of queries."""
    files = DisputeFile.objects.order_by("created_at")
    return get_object_or_404(
        disputes_visible_to(user).prefetch_related(
            Prefetch("messages", queryset=DisputeMessage.objects.select_related("author").prefetch_related(
                Prefetch("files", queryset=files))),
            Prefetch("offers", queryset=Offer.objects.select_related("made_by").order_by("created_at")),
            Prefetch("events", queryset=DisputeEvent.objects.select_related("actor").order_by("created_at")),
            Prefetch("files", queryset=files.filter(message__isnull=True), to_attr="opening_files"),
        ),
        pk=pk,
    )


def offer_for(user, pk) -> Offer:
    visible = disputes_visible_to(user).values("pk")
    return get_object_or_404(Offer.objects.select_related("dispute"), pk=pk, dispute__in=visible)


def dispute_file_for(user, pk) -> DisputeFile:
    visible = disputes_visible_to(user).values("pk")
    return get_object_or_404(DisputeFile.objects.all(), pk=pk, dispute__in=visible)


def disputes_of_contract(contract) -> list[Dispute]:
    return list(Dispute.objects.filter(contract=contract).select_related("milestone").order_by("-created_at"))


def disputable_milestones(contract, user) -> list[Milestone]:
    """Milestones the user may dispute on this contract page (parties only)."""
    if user.pk not in (contract.homeowner_id, contract.contractor_id):
        return []
    return [m for m in contract.milestones.all() if m.status in (Milestone.Status.FUNDED, Milestone.Status.SUBMITTED)]


@dataclass
class TimelineItem:
    at: datetime
    kind: str  # "event", "message", "offer"
    obj: object


def timeline(dispute: Dispute) -> list[TimelineItem]:
    """Messages, offers and status changes in order (from the prefetched rows)."""
    items = [TimelineItem(e.created_at, "event", e) for e in dispute.events.all()]
    items += [TimelineItem(m.created_at, "message", m) for m in dispute.messages.all()]
    items += [TimelineItem(o.created_at, "offer", o) for o in dispute.offers.all()]
    items.sort(key=lambda item: (item.at, {"event": 0, "message": 1, "offer": 2}[item.kind]))
    return items


def next_step(dispute: Dispute, user) -> dict:
    """What happens next and when, in words for the person looking."""
    role = dispute.party_role(user)
    is_opener = user.pk == dispute.opened_by_id
    S = Dispute.Status
    if dispute.status == S.AWAITING_RESPONSE:
        if is_opener:
            text = ("The other party has until the deadline to respond. If they don't, our staff take over "
                    "and decide. You can make a settlement offer at any time.")
        elif role:
            text = ("Reply before the deadline: your first message is your response and starts 5 days of "
                    "negotiation. If you don't reply, our staff decide without your side.")
        else:
            text = "Waiting for the other party's response."
        return {"text": text, "deadline": dispute.deadline_at}
    if dispute.status == S.NEGOTIATION:
        return {"text": "Try to agree: exchange messages and offers. An accepted offer settles the dispute at once. "
                        "When the time runs out, or if either of you escalates, our staff mediate and decide.",
                "deadline": dispute.deadline_at}
    if dispute.status == S.MEDIATION:
        return {"text": "Our staff are reviewing the messages and evidence from both sides and will decide: "
                        "release to the contractor, refund to the homeowner, or a split. You can still add "
                        "messages, and still settle with an offer.", "deadline": None}
    if dispute.status == S.RESOLVED:
        return {"text": "Resolved. The money moves as decided; refunds reach the card in 5-10 business days.",
                "deadline": None}
    return {"text": "Withdrawn by the person who opened it. The milestone is back where it was.", "deadline": None}


def pending_offer_for(dispute: Dispute, user) -> list[Offer]:
    """Offers this user could accept or reject now (from the prefetched rows)."""
    role = dispute.party_role(user)
    if role is None or not dispute.is_open:
        return []
    result = []
    for offer in dispute.offers.all():
        if offer.status != Offer.Status.PENDING:
            continue
        if offer.by_staff:
            if getattr(offer, f"{role}_accepted_at") is None:
                result.append(offer)
        elif offer.made_by_id != user.pk:
            result.append(offer)
    return result


def milestone_for(user, milestone_id) -> Milestone:
    """A milestone of a contract the user can see (parties, staff); 404 otherwise."""
    from contracts.selectors import contracts_visible_to

    contracts = contracts_visible_to(user).values("pk")
    return get_object_or_404(Milestone.objects.select_related("contract__job"), pk=milestone_id,
                             contract__in=contracts)


def disputes_with_threads(user) -> QuerySet[Dispute]:
    """For the API list: everything a dispute object carries, prefetched (flat query count)."""
    files = DisputeFile.objects.order_by("created_at")
    return disputes_visible_to(user).prefetch_related(
        Prefetch("messages", queryset=DisputeMessage.objects.select_related("author").prefetch_related(
            Prefetch("files", queryset=files))),
        Prefetch("offers", queryset=Offer.objects.order_by("created_at")),
        Prefetch("files", queryset=files.filter(message__isnull=True), to_attr="opening_files"),
    )
