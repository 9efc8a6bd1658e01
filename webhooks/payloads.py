"""Who receives an outbox event and what each of them may see.

Each builder takes the OutboxEvent and returns [(user, data)], where `data` is made with the
API's selectors (404 for that user: the user gets nothing) and serializers (the same fields
GET would return to that user). So the sealed-bid rules, address privacy and every other
visibility rule hold for webhooks by construction; webhooks/tests/test_payloads.py checks it
as a permission table.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import Http404

from bids import selectors as bid_selectors
from bids.api import BidSerializer
from bids.models import Bid
from contracts import selectors as contract_selectors
from contracts.api import ContractSerializer, MilestoneSerializer
from contracts.models import Contract, Milestone
from core.models import OutboxEvent
from disputes import selectors as dispute_selectors
from disputes.api import DisputeSerializer
from disputes.models import Dispute
from jobs import selectors as job_selectors
from jobs.api.serializers import JobSerializer
from jobs.models import Job
from reviews.api import ReviewSerializer
from reviews.models import Review


class _AsRecipient:
    """Serializer context: the recipient stands where the API's request.user would."""

    def __init__(self, user):
        self.user = user

    def build_absolute_uri(self, location: str) -> str:
        return settings.SITE_URL + location


def _ctx(user) -> dict:
    return {"request": _AsRecipient(user)}


def _each(users, build) -> list[tuple]:
    """[(user, thunk)]: payloads are only built for recipients who have a subscribed endpoint."""
    out, seen = [], set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        out.append((user, lambda u=user: build(u)))
    return out


def _job(user, job_id) -> dict:
    return JobSerializer(job_selectors.job_for(user, job_id), context=_ctx(user)).data


def job_published(event: OutboxEvent) -> list[tuple]:
    job = Job.objects.select_related("homeowner").get(pk=event.object_id)
    return _each([job.homeowner], lambda u: {"job": _job(u, job.pk)})


def job_bidding_closed(event: OutboxEvent) -> list[tuple]:
    job = Job.objects.select_related("homeowner").get(pk=event.object_id)
    bidders = [b.contractor for b in Bid.objects.filter(job=job).exclude(status=Bid.Status.WITHDRAWN).select_related("contractor")]
    return _each([job.homeowner, *bidders], lambda u: {"job": _job(u, job.pk)})


def bid_received(event: OutboxEvent) -> list[tuple]:
    """While bids are sealed the owner learns that a bid came and how many there are: no
    amount, no bidder, not even the bid's id (the same as the job page and bid-summary)."""
    bid = Bid.objects.select_related("job__homeowner").get(pk=event.object_id)
    job = bid.job

    def build(user):
        summary = bid_selectors.bid_summary_for(user, job)
        data = {"job": {"id": str(job.pk), "title": job.title, "status": job.status}, "bid_count": summary.count}
        if job.bidding_closed_at is not None:  # unsealed: the owner may see the bid itself
            data["bid"] = BidSerializer(bid_selectors.bid_for(user, bid.pk), context=_ctx(user)).data
        return data

    return _each([job.homeowner], build)


def _contract_parties(contract: Contract) -> list:
    return [contract.homeowner, contract.contractor]


def contract_created(event: OutboxEvent) -> list[tuple]:
    contract = Contract.objects.select_related("homeowner", "contractor").get(pk=event.object_id)
    return _each(_contract_parties(contract), lambda u: {
        "contract": ContractSerializer(contract_selectors.contract_for(u, contract.pk), context=_ctx(u)).data})


def milestone_event(event: OutboxEvent) -> list[tuple]:
    milestone = Milestone.objects.select_related("contract__homeowner", "contract__contractor").get(pk=event.object_id)

    def build(user):
        contract = contract_selectors.contract_for(user, milestone.contract_id)  # 404 if not a party
        current = next(m for m in contract.milestones.all() if m.pk == milestone.pk)
        return {"contract": str(contract.pk), "milestone": MilestoneSerializer(current, context=_ctx(user)).data}

    return _each(_contract_parties(milestone.contract), build)


def dispute_event(event: OutboxEvent) -> list[tuple]:
    dispute = Dispute.objects.select_related("contract__homeowner", "contract__contractor").get(pk=event.object_id)
    return _each(_contract_parties(dispute.contract), lambda u: {
        "dispute": DisputeSerializer(dispute_selectors.dispute_detail_for(u, dispute.pk), context=_ctx(u)).data})


def review_published(event: OutboxEvent) -> list[tuple]:
    review = Review.objects.select_related("author", "subject").get(pk=event.object_id)

    def build(user):
        return {"review": ReviewSerializer(_public(review.pk), context=_ctx(user)).data}

    return _each([review.author, review.subject], build)


def _public(review_id):
    from reviews import selectors as review_selectors

    return review_selectors.public_review(review_id)


def message_received(event: OutboxEvent) -> list[tuple]:
    """A contract message: the emitting service names the recipients in event.data
    (`outbox.emit("message.received", message, data={"recipient_ids": [...], "contract_id": ...})`;
    the messaging app decides who is in a conversation). Each recipient who may still see the
    contract gets the message ids; once messaging's API serializer exists, add it to
    MESSAGE_BUILDERS here (keyed by "messaging.message") so they get the message as GET shows it."""
    from django.contrib.auth import get_user_model

    users = list(get_user_model().objects.filter(pk__in=event.data.get("recipient_ids", [])))
    builder = MESSAGE_BUILDERS.get(event.object_type)
    if builder is not None:
        return _each(users, lambda u: builder(u, event.object_id))
    contract_id = event.data.get("contract_id")

    def ids_only(user):
        if contract_id:
            contract_selectors.contract_for(user, contract_id)
        return {"message": {"id": event.object_id}, "contract": contract_id}

    return _each(users, ids_only)


def _contract_message(user, message_id) -> dict:
    """The message as GET /contracts/{id}/messages/ shows it to this recipient (404 when
    they may no longer read the thread), with per-recipient attachment links."""
    from messaging import selectors as message_selectors
    from messaging.api import ContractMessageSerializer
    from messaging.models import Message

    contract_id = Message.objects.values_list("contract_id", flat=True).get(pk=message_id)
    contract = message_selectors.thread_contract_for(user, contract_id)
    message = message_selectors.messages_of(contract, user).filter(pk=message_id).first()
    if message is None:
        raise Http404  # removed by moderators before delivery: the recipient gets nothing
    return {"contract": str(contract.pk), "message": ContractMessageSerializer(message, context=_ctx(user)).data}


# object_type ("app.model") -> (user, object_id) -> data, built with that app's API serializer.
MESSAGE_BUILDERS: dict[str, Callable] = {"messaging.message": _contract_message}

BUILDERS: dict[str, Callable[[OutboxEvent], list[tuple]]] = {
    "job.published": job_published,
    "job.bidding_closed": job_bidding_closed,
    "bid.received": bid_received,
    "contract.created": contract_created,
    "milestone.funded": milestone_event,
    "milestone.submitted": milestone_event,
    "milestone.released": milestone_event,
    "dispute.opened": dispute_event,
    "dispute.resolved": dispute_event,
    "review.published": review_published,
    "message.received": message_received,
}


def for_event(event: OutboxEvent, wanted_user_ids=None) -> list[tuple]:
    """[(user, data)] for the recipients in `wanted_user_ids` (all when None) who may see it."""
    out = []
    for user, build in BUILDERS[event.event_type](event):
        if wanted_user_ids is not None and user.pk not in wanted_user_ids:
            continue
        try:
            out.append((user, build()))
        except Http404:
            continue  # this person may not see it (any more): they get nothing
    return out
