"""The homeowner as bidders see them: member since, jobs posted, hires, payment record,
reviews from contractors. Signed-in contractors only; never anything about bids."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ContractorFactory
from bids.tests.factories import BidFactory
from contracts import services as contract_services
from contracts.tests.factories import contract_for
from directory import metrics
from directory.selectors import homeowner_summary
from jobs.models import Job
from jobs.tests.factories import JobFactory
from reviews import services as review_services
from reviews.tests.helpers import completed_contract

pytestmark = pytest.mark.django_db


def test_summary_counts_real_rows(homeowner, contractor):
    done = completed_contract(homeowner, contractor)  # first milestone funded at once: on time
    review_services.review_submit(actor=contractor, contract_id=done.pk, rating=4, body="Paid promptly, clear brief.")
    review_services.review_submit(actor=homeowner, contract_id=done.pk, rating=5, body="Great work.")
    slow = contract_for(homeowner=homeowner, contractor=ContractorFactory(),
                        milestones=[("Demolition", 10_000), ("Build", 20_000)])
    first, second = slow.milestones.order_by("position")
    with time_machine.travel(timezone.now() + timedelta(days=5)):  # funded 5 days after the hire: late
        contract_services.milestone_fund(actor=homeowner, milestone_id=first.pk)
    JobFactory(homeowner=homeowner, status=Job.Status.DRAFT, published_at=None)  # a draft was never posted
    summary = homeowner_summary(homeowner)
    assert (summary.jobs_posted, summary.hires) == (2, 2)
    # Milestone 2 of the slow contract is not due until milestone 1 is approved: not counted.
    assert (summary.funded_on_time, summary.funding_counted) == (1, 2)
    assert (summary.review_count, summary.review_avg) == (1, 4)
    assert [r.body for r in summary.reviews] == ["Paid promptly, clear brief."]  # not the one they wrote


def test_a_milestone_left_unfunded_past_the_grace_counts_as_late(homeowner, contractor):
    with time_machine.travel(timezone.now() - metrics.FUNDING_GRACE - timedelta(hours=1)):
        contract_for(homeowner=homeowner, contractor=contractor, milestones=[("All", 10_000)])
    contract_for(homeowner=homeowner, contractor=contractor, milestones=[("Fresh", 10_000)])  # still in time
    summary = homeowner_summary(homeowner)
    assert (summary.funded_on_time, summary.funding_counted) == (0, 1)


def test_funding_record_rule():
    t0 = timezone.now() - timedelta(days=30)
    row = lambda c, p, funded, closed: {"contract_id": c, "position": p, "contract_created_at": t0,  # noqa: E731
                                        "funded_at": funded, "closed_at": closed}
    rows = [row("a", 1, t0 + timedelta(days=1), t0 + timedelta(days=10)),
            row("a", 2, t0 + timedelta(days=14), None),  # 4 days after milestone 1 closed: late
            row("a", 3, None, None),  # milestone 2 still open: not due
            row("b", 1, t0 + timedelta(days=2, hours=23), None)]
    assert metrics.funding_record(rows, timezone.now()) == (2, 3)


def test_job_page_and_bid_form_show_it_to_contractors_only(client, homeowner, contractor, other_contractor):
    homeowner.full_name = "Maria Lopez"
    homeowner.save()
    job = JobFactory(homeowner=homeowner, title="Replace the water heater")
    BidFactory(job=job, contractor=other_contractor, amount_cents=77_700)
    url = reverse("jobs:detail", args=[job.pk])
    assert "About the homeowner" not in client.get(url).content.decode()  # anonymous
    client.force_login(homeowner)
    assert "About the homeowner" not in client.get(url).content.decode()
    client.force_login(contractor)
    html = client.get(url).content.decode()
    assert "About the homeowner, Maria" in html and "Member since" in html and "No payments due yet" in html
    # Nothing about bids: no count, no amount, no bidder.
    assert "777" not in html and other_contractor.display_name not in html and "1 bid" not in html
    form = client.get(reverse("bids:place", args=[job.pk])).content.decode()
    assert "About the homeowner, Maria" in form and "Hires made" in form


def test_summary_is_cached_but_a_hidden_review_is_gone_at_once(homeowner, contractor, staff_user,
                                                               django_assert_num_queries):
    done = completed_contract(homeowner, contractor)
    review_services.review_submit(actor=contractor, contract_id=done.pk, rating=2, body="Slow to pay.")
    review_services.review_submit(actor=homeowner, contract_id=done.pk, rating=5, body="Great work.")
    first = homeowner_summary(homeowner)
    assert [r.body for r in first.reviews] == ["Slow to pay."]
    with django_assert_num_queries(0):  # a contractor's next job page of this homeowner
        assert homeowner_summary(homeowner).review_count == 1
    review = first.reviews[0]
    review_services.review_hide(actor=staff_user, review_id=review.pk, reason="Abusive language.")
    again = homeowner_summary(homeowner)  # shown as "removed by staff: reason" from now on, not cached text
    assert again.review_count == 0 and [(r.status, r.hidden_reason) for r in again.reviews] == [
        ("hidden", "Abusive language.")]
