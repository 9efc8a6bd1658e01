"""The post-award bid summary: a range only from 5 live bids; below that the bidder's rank and
a band for the winning bid, never an amount. Withdrawn bids never count and a contractor who
withdrew is no bidder. Every channel is scanned: the job page, the API, the email and the
in-app notification."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ContractorFactory
from bids import services
from bids.models import Bid
from bids.selectors import winning_bid_band
from bids.tests.scenario import assert_absent
from contracts import services as contract_services
from jobs.services import job_close_bidding
from jobs.tests.factories import JobFactory
from notifications.models import Notification, NotificationDelivery

pytestmark = pytest.mark.django_db


def _place(job, amount, contractor=None):
    contractor = contractor or ContractorFactory()
    start = timezone.localdate() + timedelta(days=5)
    bid = services.bid_place(actor=contractor, job=job, amount_cents=amount, estimated_days=3, proposed_start=start)
    return bid


def _awarded_job(homeowner, amounts, *, winner_index, withdrawn=()):
    """A job with one bid per amount (those in `withdrawn` withdrawn before the close), the
    bid at winner_index awarded through the real services."""
    job = JobFactory(homeowner=homeowner, title="Summary scenario job")
    bids = [_place(job, amount) for amount in amounts]
    for index in withdrawn:
        services.bid_withdraw(actor=bids[index].contractor, bid=bids[index])
    job_close_bidding(actor=homeowner, job=job)
    contract_services.bid_accept(actor=homeowner, bid=bids[winner_index])
    job.refresh_from_db()
    for bid in bids:
        bid.refresh_from_db()
    return job, bids


def _secrets(cents):
    """How an amount could appear: formatted dollars, plain dollars, cents."""
    return (f"{cents / 100:,.2f}", f"{cents / 100:.2f}", str(cents))


def _everything_for(client, api_as, user, job):
    client.force_login(user)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    api = api_as(user).get(f"/api/v1/jobs/{job.pk}/bid-summary/")
    notes = " ".join(n.title + " " + n.body for n in Notification.objects.filter(recipient=user))
    deliveries = " ".join(d.subject + d.body_text + d.body_html for d in NotificationDelivery.objects.filter(recipient=user))
    emails = " ".join(m.subject + m.body + "".join(a[0] for a in m.alternatives) for m in mail.outbox if m.to == [user.email])
    return page, api, notes + deliveries + emails


@pytest.mark.parametrize("amounts,winner_index", [
    ((100_037, 120_011), 0),  # 2 bids: a range would be exactly the winner and the loser
    ((100_037, 120_011, 93_019), 2),  # 3 bids: the winner is the lowest
])
def test_few_bids_give_rank_and_band_and_no_other_amount(homeowner, client, api_as, amounts, winner_index,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job, bids = _awarded_job(homeowner, amounts, winner_index=winner_index)
    winner = bids[winner_index]
    for loser in (b for b in bids if b.pk != winner.pk):
        page, api, messages = _everything_for(client, api_as, loser.contractor, job)
        others = [b.amount_cents for b in bids if b.pk != loser.pk]
        for where, body in (("page", page), ("api", api.content.decode()), ("notifications", messages)):
            for cents in others:
                assert_absent(body, _secrets(cents), f"{where} of a loser with {len(amounts)} bids")
        band = winning_bid_band(winner_cents=winner.amount_cents, mine_cents=loser.amount_cents)
        rank = sorted(amounts).index(loser.amount_cents) + 1
        assert api.json() == {"count": len(amounts), "awarded": True, "rank": rank, "winning_bid_band": band}
        assert f"{rank} of {len(amounts)}" in page and f"{rank} of {len(amounts)}" in messages
        assert "lower than yours" in messages or "higher than yours" in messages
        assert f"${loser.amount_cents / 100:,.2f}" in page  # their own bid, of course


def test_five_bids_give_the_range(homeowner, client, api_as, django_capture_on_commit_callbacks):
    amounts = (50_000, 61_000, 70_000, 82_000, 99_000)
    with django_capture_on_commit_callbacks(execute=True):
        job, bids = _awarded_job(homeowner, amounts, winner_index=1)
    loser = bids[4]
    page, api, messages = _everything_for(client, api_as, loser.contractor, job)
    assert api.json() == {"count": 5, "awarded": True, "lowest_cents": 50_000, "median_cents": 70_000,
                          "highest_cents": 99_000, "rank": 5}
    for text in (page, messages):
        assert "$500.00" in text and "$700.00" in text and "$990.00" in text
    # The range never names or pins the winner: $610.00 is neither an end nor the median.
    for body in (page, api.content.decode(), messages):
        assert_absent(body, _secrets(61_000) + _secrets(82_000), "five-bid summary")


def test_withdrawn_bids_never_count_and_withdrawn_bidders_get_nothing(homeowner, client, api_as,
                                                                        django_capture_on_commit_callbacks):
    """Six bids, two withdrawn (one of them a $0.01 probe): four live bids, so no range."""
    amounts = (1, 50_000, 61_000, 70_000, 82_000, 99_000)
    with django_capture_on_commit_callbacks(execute=True):
        job, bids = _awarded_job(homeowner, amounts, winner_index=2, withdrawn=(0, 5))
    probe = bids[0]
    assert probe.status == Bid.Status.WITHDRAWN
    client.force_login(probe.contractor)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert api_as(probe.contractor).get(f"/api/v1/jobs/{job.pk}/bid-summary/").status_code == 404
    assert not Notification.objects.filter(recipient=probe.contractor, event="bid.not_selected").exists()
    # "My bids" still lists the withdrawn bid but no longer links to the closed job.
    mine = client.get(reverse("bids:mine")).content.decode()
    assert "Summary scenario job" in mine and reverse("jobs:detail", args=[job.pk]) not in mine

    loser = bids[1]
    page, api, messages = _everything_for(client, api_as, loser.contractor, job)
    assert api.json() == {"count": 4, "awarded": True, "rank": 1, "winning_bid_band": "more_than_15_higher"}
    assert "1 of 4" in messages
    for body in (page, api.content.decode(), messages):
        assert_absent(body, _secrets(61_000) + _secrets(99_000), "summary with withdrawn bids")
    # The owner gets the count of live bids and no range below five.
    owner = api_as(homeowner).get(f"/api/v1/jobs/{job.pk}/bid-summary/").json()
    assert owner == {"count": 4, "awarded": True}


@pytest.mark.parametrize("winner,mine,band", [
    (100_000, 100_000, "within_5"),
    (95_000, 100_000, "within_5"),  # exactly 5% lower
    (94_999, 100_000, "5_to_15_lower"),
    (85_000, 100_000, "5_to_15_lower"),
    (84_999, 100_000, "more_than_15_lower"),
    (105_000, 100_000, "within_5"),
    (105_001, 100_000, "5_to_15_higher"),
    (115_001, 100_000, "more_than_15_higher"),
])
def test_winning_bid_bands(winner, mine, band):
    assert winning_bid_band(winner_cents=winner, mine_cents=mine) == band


def test_notify_refuses_a_range_below_five_bids(contractor):
    from notifications import notify

    with pytest.raises(ValueError, match="only from 5 bids"):
        notify("bid.not_selected", contractor, {"job_title": "x", "amount_cents": 5, "bid_count": 3,
                                                "lowest_cents": 1, "median_cents": 2, "highest_cents": 3})
