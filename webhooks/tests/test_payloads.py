"""Who receives each event and what it tells them: a permission table, like the API's.

Every persona has an endpoint subscribed to every event type; an event must reach exactly its
audience, and nothing sealed (a bid's amount, its bidder, the address) may appear in a body
sent to someone the API would not show it to.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import ContractorFactory, HomeownerFactory, StaffFactory
from bids.models import Bid
from bids.tests.factories import BidFactory
from contracts.models import Milestone
from contracts.tests.factories import contract_for
from core import outbox
from disputes.models import Dispute
from jobs.models import Job
from jobs.tests.factories import JobFactory
from reviews.models import Review
from webhooks import catalogue, services
from webhooks.models import WebhookMessage

pytestmark = pytest.mark.django_db
PERSONAS = ("owner", "bidder", "other_homeowner", "other_contractor", "staff")


@pytest.fixture
def people():
    return {
        "owner": HomeownerFactory(), "bidder": ContractorFactory(), "other_homeowner": HomeownerFactory(),
        "other_contractor": ContractorFactory(), "staff": StaffFactory(),
    }


@pytest.fixture
def subscribed(people, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = True
    return {name: services.endpoint_create(actor=user, url=f"http://127.0.0.1:9/{name}",
                                           event_types=list(catalogue.EVENT_TYPES))[0]
            for name, user in people.items()}


def _deliver(event_type, obj):
    event = outbox.emit(event_type, obj)
    services.fanout(event.pk)
    return {m.endpoint.url.rsplit("/", 1)[1]: json.loads(m.payload)
            for m in WebhookMessage.objects.filter(event=event).select_related("endpoint")}


def _sealed_job(people):
    job = JobFactory(homeowner=people["owner"], address="12 Secret Lane")
    bid = BidFactory(job=job, contractor=people["bidder"], amount_cents=123_456)
    BidFactory(job=job, amount_cents=99_999)  # a competitor
    return job, bid


def test_bid_received_tells_the_owner_the_count_only(people, subscribed):
    job, bid = _sealed_job(people)
    bodies = _deliver("bid.received", bid)
    assert set(bodies) == {"owner"}
    data = bodies["owner"]["data"]
    assert data == {"job": {"id": str(job.pk), "title": job.title, "status": "open"}, "bid_count": 2}
    raw = json.dumps(bodies["owner"])
    for secret in ("123456", "99999", str(bid.pk), str(people["bidder"].pk), people["bidder"].display_name):
        assert secret not in raw


def test_bidding_closed_reaches_owner_and_bidders_with_their_own_view(people, subscribed):
    job, bid = _sealed_job(people)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.REVIEWING, bidding_closed_at=timezone.now())
    bodies = _deliver("job.bidding_closed", job)
    assert set(bodies) == {"owner", "bidder"}  # the other bidder has no endpoint; strangers get nothing
    assert bodies["owner"]["data"]["job"]["address"] == "12 Secret Lane"
    assert bodies["owner"]["data"]["job"]["bid_count"] == 2
    assert "address" not in bodies["bidder"]["data"]["job"]
    assert bodies["bidder"]["data"]["job"]["bid_count"] is None  # contractors never learn the competition
    assert "12 Secret Lane" not in json.dumps(bodies["bidder"])


def test_job_published_only_to_its_owner(people, subscribed):
    job = JobFactory(homeowner=people["owner"])
    assert set(_deliver("job.published", job)) == {"owner"}


@pytest.fixture
def contract(people):
    return contract_for(homeowner=people["owner"], contractor=people["bidder"], address="12 Secret Lane")


@pytest.mark.parametrize("event_type", ["milestone.funded", "milestone.submitted", "milestone.released"])
def test_milestone_events_reach_both_parties(event_type, people, subscribed, contract):
    milestone = contract.milestones.order_by("position").first()
    Milestone.objects.filter(pk=milestone.pk).update(status="funded", funded_at=timezone.now())
    bodies = _deliver(event_type, milestone)
    assert set(bodies) == {"owner", "bidder"}
    for body in bodies.values():
        assert body["type"] == event_type
        assert body["data"]["contract"] == str(contract.pk)
        assert body["data"]["milestone"]["id"] == str(milestone.pk)
        assert body["data"]["milestone"]["status"] == "funded"


def test_contract_created_reaches_both_parties_only(people, subscribed, contract):
    bodies = _deliver("contract.created", contract)
    assert set(bodies) == {"owner", "bidder"}
    assert bodies["bidder"]["data"]["contract"]["total_cents"] == contract.total_cents


def test_dispute_events_reach_both_parties_only(people, subscribed, contract):
    milestone = contract.milestones.first()
    dispute = Dispute.objects.create(
        contract=contract, milestone=milestone, opened_by=people["owner"], reason="quality", description="Leaks.",
        amount_cents=milestone.amount_cents, milestone_status_before="funded",
        response_due_at=timezone.now() + timedelta(days=5), deadline_at=timezone.now() + timedelta(days=5))
    for event_type in ("dispute.opened", "dispute.resolved"):
        bodies = _deliver(event_type, dispute)
        assert set(bodies) == {"owner", "bidder"}
        assert bodies["bidder"]["data"]["dispute"]["id"] == str(dispute.pk)


def test_review_published_reaches_author_and_subject(people, subscribed, contract):
    review = Review.objects.create(
        contract=contract, author=people["owner"], subject=people["bidder"], author_role="homeowner", rating=5,
        body="Great work.", status=Review.Status.PUBLISHED, published_at=timezone.now(),
        window_closes_at=timezone.now() + timedelta(days=14))
    bodies = _deliver("review.published", review)
    assert set(bodies) == {"owner", "bidder"}
    assert bodies["bidder"]["data"]["review"]["rating"] == 5


def test_a_recipient_who_can_no_longer_see_it_gets_nothing(people, subscribed):
    """A bidder withdrew before bidding closed: job.bidding_closed does not go to them."""
    job, bid = _sealed_job(people)
    Bid.objects.filter(pk=bid.pk).update(status=Bid.Status.WITHDRAWN)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.REVIEWING, bidding_closed_at=timezone.now())
    assert set(_deliver("job.bidding_closed", job)) == {"owner"}


def test_services_emit_in_their_transaction(people, subscribed, django_capture_on_commit_callbacks):
    """The real services write the outbox rows (placing a bid -> bid.received to the owner)."""
    from bids.services import bid_place

    job = JobFactory(homeowner=people["owner"])
    bid_place(actor=people["bidder"], job=job, amount_cents=50_000, estimated_days=3,
              proposed_start=timezone.localdate() + timedelta(days=10), message="")
    from core.models import OutboxEvent

    event = OutboxEvent.objects.get(event_type="bid.received")
    services.fanout(event.pk)
    message = WebhookMessage.objects.get(event=event)
    assert message.endpoint == subscribed["owner"]
    assert "50000" not in message.payload


def test_every_catalogue_event_has_a_builder():
    from webhooks.payloads import BUILDERS

    assert set(BUILDERS) == set(catalogue.EVENT_TYPES)


def test_the_milestone_lifecycle_services_emit_funded_submitted_released(people, subscribed, contract, settings,
                                                                       django_capture_on_commit_callbacks):
    """Real services, simulated gateway: fund -> submit -> approve; both parties get each event."""
    from contracts import services as flow
    from core.models import OutboxEvent
    from payments.tests.helpers import onboard
    from payments.tests.images import png_upload

    settings.PAYMENT_GATEWAY = "simulated"
    onboard(people["bidder"])
    milestone = contract.milestones.order_by("position").first()
    with django_capture_on_commit_callbacks(execute=False):  # deliveries are not the point here
        flow.milestone_fund(actor=people["owner"], milestone_id=milestone.pk)
        flow.milestone_submit(actor=people["bidder"], milestone_id=milestone.pk, notes="Done", files=[png_upload()])
        flow.milestone_approve(actor=people["owner"], milestone_id=milestone.pk)
    events = list(OutboxEvent.objects.filter(object_id=str(milestone.pk)).order_by("created_at"))
    assert [e.event_type for e in events] == ["milestone.funded", "milestone.submitted", "milestone.released"]
    for event in events:
        services.fanout(event.pk)
        who = {m.endpoint_id for m in WebhookMessage.objects.filter(event=event)}
        assert who == {subscribed["owner"].pk, subscribed["bidder"].pk}


def test_message_received_goes_to_the_named_recipients_who_can_see_the_contract(people, subscribed, contract):
    """Messaging emits with the recipients named; a recipient outside the contract gets nothing."""
    event = outbox.emit("message.received", contract.milestones.first(), data={
        "recipient_ids": [str(people["bidder"].pk), str(people["other_contractor"].pk)], "contract_id": str(contract.pk)})
    services.fanout(event.pk)
    bodies = {m.endpoint_id: json.loads(m.payload) for m in WebhookMessage.objects.filter(event=event)}
    assert set(bodies) == {subscribed["bidder"].pk}
    assert bodies[subscribed["bidder"].pk]["data"]["contract"] == str(contract.pk)


def test_a_real_contract_message_reaches_only_the_other_party_as_the_api_shows_it(
        people, subscribed, contract, django_capture_on_commit_callbacks):
    from messaging import services as messaging

    with django_capture_on_commit_callbacks(execute=True):
        message = messaging.message_post(actor=people["owner"], contract_id=contract.pk, body="Gate code is 4411.")
    event = outbox.OutboxEvent.objects.get(event_type="message.received", object_id=str(message.pk))
    services.fanout(event.pk)
    bodies = {m.endpoint_id: json.loads(m.payload) for m in WebhookMessage.objects.filter(event=event)}
    assert set(bodies) == {subscribed["bidder"].pk}  # not the author, nobody outside the contract
    data = bodies[subscribed["bidder"].pk]["data"]
    assert data["contract"] == str(contract.pk)
    assert data["message"]["id"] == str(message.pk) and data["message"]["body"] == "Gate code is 4411."
