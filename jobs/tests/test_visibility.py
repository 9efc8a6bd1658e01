"""job_for checks one job in Python (selectors.may_see) instead of filtering with
jobs_visible_to; both must give the same answer for every person, status, moderation state
and bid, or a page would show a job the board and the API hide (or 404 one they show)."""

import pytest
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from bids.models import Bid
from bids.tests.factories import BidFactory
from jobs import selectors
from jobs.models import Job
from jobs.tests.factories import JobFactory

PEOPLE = ["anonymous", "owner", "other_homeowner", "staff", "bidder", "withdrawn_bidder", "not_selected_bidder",
          "other_contractor"]


def _person(name, *, homeowner, other_homeowner, staff_user, contractor, other_contractor, job):
    from django.contrib.auth.models import AnonymousUser

    if name == "anonymous":
        return AnonymousUser()
    if name in ("bidder", "withdrawn_bidder", "not_selected_bidder"):
        status = {"bidder": Bid.Status.ACTIVE, "withdrawn_bidder": Bid.Status.WITHDRAWN,
                  "not_selected_bidder": Bid.Status.NOT_SELECTED}[name]
        BidFactory(job=job, contractor=contractor, status=status)
        return User.objects.get(pk=contractor.pk)
    return {"owner": homeowner, "other_homeowner": other_homeowner, "staff": staff_user,
            "other_contractor": other_contractor}[name]


@pytest.mark.parametrize("hidden", [False, True], ids=["shown", "removed"])
@pytest.mark.parametrize("status", [s for s, _ in Job.Status.choices])
@pytest.mark.parametrize("who", PEOPLE)
def test_job_for_agrees_with_jobs_visible_to(who, status, hidden, homeowner, other_homeowner, staff_user, contractor,
                                             other_contractor):
    job = JobFactory(homeowner=homeowner, status=status,
                     hidden_at=timezone.now() if hidden else None, hidden_reason="spam" if hidden else "")
    user = _person(who, homeowner=homeowner, other_homeowner=other_homeowner, staff_user=staff_user,
                   contractor=contractor, other_contractor=other_contractor, job=job)

    on_the_list = selectors.jobs_visible_to(user).filter(pk=job.pk).exists()
    try:
        found = selectors.job_for(user, job.pk)
    except Http404:
        found = None

    assert (found is not None) == on_the_list
    if found is not None:
        assert found.pk == job.pk


def test_the_rule_is_not_trivially_true(homeowner, contractor, other_contractor):
    """A few answers spelled out, so both sides agreeing cannot hide both being wrong."""
    draft = JobFactory(homeowner=homeowner, status=Job.Status.DRAFT)
    awarded = JobFactory(homeowner=homeowner, status=Job.Status.AWARDED)
    BidFactory(job=awarded, contractor=contractor, status=Bid.Status.NOT_SELECTED)
    BidFactory(job=draft, contractor=contractor)

    assert selectors.job_for(contractor, awarded.pk) == awarded
    assert selectors.job_for(homeowner, draft.pk) == draft
    with pytest.raises(Http404):
        selectors.job_for(contractor, draft.pk)  # drafts never reach bidders
    with pytest.raises(Http404):
        selectors.job_for(other_contractor, awarded.pk)


def test_a_missing_job_is_a_404(contractor):
    import uuid

    with pytest.raises(Http404):
        selectors.job_for(contractor, uuid.uuid4())
