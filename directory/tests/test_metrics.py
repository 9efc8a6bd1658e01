"""Profile metrics from real contracts, milestones, disputes and messages (directory.stats),
their thresholds, and the beat task that keeps them."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ContractorFactory
from bids.models import Bid
from contracts import services as contract_services
from contracts.models import Contract
from contracts.tests.factories import contract_for
from directory import metrics, stats, tasks
from directory.models import ContractorStats
from directory.selectors import metrics_of, public_profile
from disputes import services as dispute_services
from disputes.tests.helpers import disputed
from messaging import services as messaging
from payments.tests.helpers import onboard
from payments.tests.images import png_upload

pytestmark = pytest.mark.django_db


def finished(homeowner, contractor, *, days=5, submit_after_days=0):
    """A one-milestone contract funded today, submitted `submit_after_days` later, approved."""
    contract = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("All the work", 20_000)])
    Bid.objects.filter(pk=contract.bid_id).update(proposed_start=timezone.localdate(), estimated_days=days)
    milestone = contract.milestones.get()
    onboard(contractor)
    contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    with time_machine.travel(timezone.now() + timedelta(days=submit_after_days)):
        contract_services.milestone_submit(actor=contractor, milestone_id=milestone.pk, notes="Done.",
                                           files=[png_upload()])
        contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    return contract


def metrics_for(contractor):
    return metrics_of(public_profile(contractor.pk))


def test_rates_come_from_real_rows_and_appear_from_five(homeowner, contractor):
    for _ in range(3):
        finished(homeowner, contractor)
    finished(homeowner, contractor, days=5, submit_after_days=9)  # four days after the end date
    stats.refresh([contractor.pk])
    early = metrics_for(contractor)
    assert (early.contracts, early.milestones_completed, early.milestones_on_time) == (4, 4, 3)
    assert early.on_time_rate is None and early.dispute_rate is None  # 4 of each: not enough yet

    finished(homeowner, contractor)
    fight = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("Tiles", 50_000)])
    disputed(fight)  # a dispute not withdrawn: counts
    calm = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("Paint", 30_000)])
    dispute_services.dispute_withdraw(actor=homeowner, dispute_id=disputed(calm).pk)  # withdrawn: does not
    contract_for(homeowner=homeowner, contractor=contractor)  # awaiting funding: not under way, not counted
    stats.refresh([contractor.pk])
    now = metrics_for(contractor)
    assert (now.contracts, now.contracts_disputed) == (7, 1)
    assert (now.milestones_completed, now.milestones_on_time) == (5, 4)
    assert now.on_time_percent == 80 and now.dispute_percent == 14
    api = now.as_api()
    assert api["on_time_rate"] == 0.8 and api["dispute_rate"] == 0.143 and api["response_time_hours"] is None


def test_late_funding_moves_the_due_date_not_the_contractor(homeowner, contractor):
    """Planned start a month ago, paid into escrow today: the 5 days run from today."""
    contract = finished(homeowner, contractor, days=5, submit_after_days=4)
    Bid.objects.filter(pk=contract.bid_id).update(proposed_start=timezone.localdate() - timedelta(days=30))
    stats.refresh([contractor.pk])
    assert ContractorStats.objects.get(contractor=contractor).milestones_on_time == 1
    # A change order that shortened the timeline is what counts from then on.
    Contract.objects.filter(pk=contract.pk).update(estimated_days=2)
    stats.refresh([contractor.pk])
    assert ContractorStats.objects.get(contractor=contractor).milestones_on_time == 0


def test_response_time_is_the_median_wait_for_the_contractor(homeowner, contractor):
    start = timezone.now() - timedelta(days=30)
    waits_hours = [1, 2, 3, 30]
    for hours in waits_hours:
        contract = contract_for(homeowner=homeowner, contractor=contractor)
        with time_machine.travel(start, tick=False):
            messaging.message_post(actor=homeowner, contract_id=contract.pk, body="When can you start?")
        with time_machine.travel(start + timedelta(minutes=10), tick=False):
            messaging.message_post(actor=homeowner, contract_id=contract.pk, body="And do you need the garage?")
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            messaging.message_post(actor=contractor, contract_id=contract.pk, body="Monday; yes please.")
    stats.refresh([contractor.pk])
    four = metrics_for(contractor)
    assert four.reply_samples == 4 and four.response_minutes is None  # below the threshold

    silent = contract_for(homeowner=homeowner, contractor=contractor)
    with time_machine.travel(start, tick=False):  # never answered: counts as a week
        messaging.message_post(actor=homeowner, contract_id=silent.pk, body="Hello?")
    fresh = contract_for(homeowner=homeowner, contractor=contractor)
    messaging.message_post(actor=homeowner, contract_id=fresh.pk, body="Just sent")  # still in time: not counted
    stats.refresh([contractor.pk])
    five = metrics_for(contractor)
    assert five.reply_samples == 5 and five.response_minutes == 3 * 60  # median of 1, 2, 3, 30, 168 hours
    assert five.response_label == "within 3 hours"


def test_waits_and_labels():
    t0 = timezone.now() - timedelta(days=20)
    h, c = "homeowner", "contractor"
    thread = [(c, t0), (h, t0 + timedelta(hours=1)), (h, t0 + timedelta(hours=2)), (c, t0 + timedelta(hours=4)),
              (h, t0 + timedelta(days=1))]
    assert metrics.reply_waits(thread, c, timezone.now()) == [timedelta(hours=3), metrics.UNANSWERED_AFTER]
    assert metrics.median_minutes([]) is None
    labels = [metrics.response_label(m) for m in (None, 45, 60, 61, 23 * 60 + 1, 36 * 60, 7 * 24 * 60)]
    assert labels == ["", "within an hour", "within an hour", "within 2 hours", "within a day",
                      "within 2 days", "a week or more"]


def test_no_stats_row_is_not_enough_history(contractor):
    empty = metrics_for(contractor)
    assert empty.contracts == 0 and empty.on_time_rate is None and empty.response_minutes is None


def test_beat_task_refreshes_recent_activity_and_nightly_everyone(homeowner):
    quiet, busy = ContractorFactory(), ContractorFactory()
    with time_machine.travel(timezone.now() - timedelta(hours=3)):
        finished(homeowner, quiet)
    finished(homeowner, busy)
    assert tasks.refresh_stats() == {"contractors": 1}
    assert set(ContractorStats.objects.values_list("contractor_id", flat=True)) == {busy.pk}
    assert tasks.refresh_stats(full=True) == {"contractors": 2}
    assert ContractorStats.objects.get(contractor=quiet).milestones_completed == 1
    assert tasks.refresh_stats(full=True) == {"contractors": 2}  # idempotent: an upsert
    assert ContractorStats.objects.count() == 2


def test_a_closed_account_gets_no_new_figures(homeowner, contractor):
    finished(homeowner, contractor)
    type(contractor).objects.filter(pk=contractor.pk).update(is_active=False)
    assert stats.refresh(stats.everyone()) == 0


def test_profile_and_directory_say_not_enough_history_below_thresholds(client, homeowner, contractor):
    finished(homeowner, contractor)
    stats.refresh([contractor.pk])
    html = client.get(reverse("directory:profile", args=[contractor.pk])).content.decode()
    assert html.count("Not enough history yet") == 3 and "Jobs completed here" in html
    card = client.get(reverse("directory:directory")).content.decode()
    assert card.count("Not enough history yet") == 3


def test_profile_shows_the_figures_with_counts(client, contractor):
    row = ContractorStats.objects.create(contractor=contractor, contracts=12, contracts_disputed=1,
                                         milestones_completed=20, milestones_on_time=19, reply_samples=9,
                                         reply_median_minutes=150, computed_at=timezone.now())
    html = client.get(reverse("directory:profile", args=[contractor.pk])).content.decode()
    assert "Replies within 3 hours" in html and "(median of 9 messages)" in html
    assert "95%" in html and "(19 of 20 milestones)" in html
    assert "8%" in html and "(1 of 12 contracts)" in html and "Not enough history yet" not in html
    assert row.computed_at and "Shown from 5 contracts" in html

