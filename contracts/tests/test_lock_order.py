"""Real threads against PostgreSQL: services that lock several rows follow core.locks, so
pairs that used to take them in opposite orders (job_cancel: job then contract; approving
the last milestone: milestone, contract, then job) wait for each other and never deadlock.

Each pair runs several rounds on fresh contracts. A deadlock would surface as PostgreSQL's
"deadlock detected" (OperationalError) in one thread; the only acceptable failure of the
losing side is a clear InvalidState.
"""

import threading

import pytest
from django.db import connection

from contracts import services as contract_services
from contracts.models import Contract, Milestone
from contracts.tests.factories import contract_for
from core.exceptions import InvalidState
from disputes import services as dispute_services
from jobs.models import Job
from payments.models import Payment, Release
from payments.tests.helpers import assert_books_balanced, onboard
from payments.tests.images import png_upload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 4


def race(*targets):
    """Start every target at the same instant, each in its own thread and connection."""
    barrier = threading.Barrier(len(targets))
    results = [None] * len(targets)

    def worker(i, target):
        barrier.wait()
        try:
            results[i] = target()
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting for a lock"
    for result in results:
        assert not isinstance(result, Exception) or isinstance(result, InvalidState), repr(result)
    return results


def while_running(action, other, limit=500):
    """Two targets for race(): `action` once, and `other` repeated until `action` is done, so
    the second side keeps taking its locks during every step of the first."""
    done = threading.Event()

    def first():
        try:
            return action()
        finally:
            done.set()

    def second():
        outcomes = []
        while not done.is_set() and len(outcomes) < limit:
            try:
                outcomes.append(other())
            except InvalidState as exc:
                outcomes.append(exc)
        try:
            outcomes.append(other())  # once more after: the final answer
        except InvalidState as exc:
            outcomes.append(exc)
        return outcomes

    return first, second


def one_milestone_submitted(homeowner, contractor) -> Milestone:
    contract = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("All of it", 30_000)])
    milestone = contract.milestones.get()
    contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    contract_services.milestone_submit(actor=contractor, milestone_id=milestone.pk, notes="Done", files=[png_upload()])
    return milestone


def test_job_cancel_against_approving_the_last_milestone(simulated, homeowner, contractor):
    onboard(contractor)
    for _ in range(ROUNDS):
        milestone = one_milestone_submitted(homeowner, contractor)
        job = milestone.contract.job
        approved, cancels = race(*while_running(
            lambda m=milestone: contract_services.milestone_approve(actor=homeowner, milestone_id=m.pk),
            lambda j=job: contract_services.job_cancel(actor=homeowner, job=j),
        ))
        # Money is in escrow, so every cancellation is refused whenever it ran; the approval
        # completes the contract and the job.
        assert isinstance(approved, Release) and all(isinstance(c, InvalidState) for c in cancels)
        assert Contract.objects.get(pk=milestone.contract_id).status == Contract.Status.COMPLETED
        assert Job.objects.get(pk=job.pk).status == Job.Status.COMPLETED
    assert_books_balanced()


def test_job_cancel_against_funding_one_wins(simulated, homeowner, contractor):
    for _ in range(ROUNDS):
        contract = contract_for(homeowner=homeowner, contractor=contractor)
        milestone = contract.milestones.get(position=1)
        funded, cancelled = race(
            lambda m=milestone: contract_services.milestone_fund(actor=homeowner, milestone_id=m.pk),
            lambda j=contract.job: contract_services.job_cancel(actor=homeowner, job=j),
        )
        milestone.refresh_from_db()
        contract.refresh_from_db()
        job = Job.objects.get(pk=contract.job_id)
        succeeded = Payment.objects.filter(milestone=milestone, status=Payment.Status.SUCCEEDED).exists()
        # Never both: a cancelled job with money in escrow, or a funded milestone on a dead contract.
        if isinstance(cancelled, Job):
            assert job.status == Job.Status.CANCELLED and contract.status == Contract.Status.CANCELLED
            assert milestone.status == Milestone.Status.UNFUNDED and not succeeded
        else:
            assert isinstance(cancelled, InvalidState) and isinstance(funded, Payment)
            assert milestone.status == Milestone.Status.FUNDED and succeeded
            assert contract.status == Contract.Status.ACTIVE and job.status == Job.Status.AWARDED
    assert_books_balanced()


def test_contract_cancel_against_funding_one_wins(simulated, homeowner, contractor):
    for _ in range(ROUNDS):
        contract = contract_for(homeowner=homeowner, contractor=contractor)
        milestone = contract.milestones.get(position=1)
        funded, cancelled = race(
            lambda m=milestone: contract_services.milestone_fund(actor=homeowner, milestone_id=m.pk),
            lambda c=contract: contract_services.contract_cancel(actor=homeowner, contract_id=c.pk),
        )
        milestone.refresh_from_db()
        contract.refresh_from_db()
        if isinstance(cancelled, Contract):
            assert contract.status == Contract.Status.CANCELLED and milestone.status == Milestone.Status.UNFUNDED
            assert Job.objects.get(pk=contract.job_id).status == Job.Status.REVIEWING
        else:
            assert isinstance(funded, Payment) and milestone.status == Milestone.Status.FUNDED
            assert contract.status == Contract.Status.ACTIVE
    assert_books_balanced()


def test_dispute_refund_of_the_last_milestone_against_job_cancel(simulated, homeowner, contractor, staff_user):
    onboard(contractor)
    for _ in range(ROUNDS):
        milestone = one_milestone_submitted(homeowner, contractor)
        dispute = dispute_services.dispute_open(actor=homeowner, milestone_id=milestone.pk, reason="quality",
                                                description="The tiles are cracked in three places.",
                                                requested_refund_cents=30_000)
        job = milestone.contract.job
        resolved, cancels = race(*while_running(
            lambda d=dispute: dispute_services.dispute_resolve(actor=staff_user, dispute_id=d.pk, outcome="refund",
                                                               reason="The photos show cracked tiles."),
            lambda j=job: contract_services.job_cancel(actor=homeowner, job=j),
        ))
        assert resolved.status == "resolved" and all(isinstance(c, InvalidState) for c in cancels)
        assert Contract.objects.get(pk=milestone.contract_id).status == Contract.Status.COMPLETED
    assert_books_balanced()


def test_approvals_of_two_milestones_of_one_contract_complete_it_once(simulated, homeowner, contractor):
    """Both approvals want to complete the contract; the contract lock orders them."""
    onboard(contractor)
    for _ in range(ROUNDS):
        contract = contract_for(homeowner=homeowner, contractor=contractor)
        milestones = list(contract.milestones.order_by("position"))
        for milestone in milestones:
            contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
            contract_services.milestone_submit(actor=contractor, milestone_id=milestone.pk, notes="Done",
                                               files=[png_upload()])
        results = race(*[
            (lambda m=m: contract_services.milestone_approve(actor=homeowner, milestone_id=m.pk)) for m in milestones
        ])
        assert all(isinstance(r, Release) for r in results)
        contract.refresh_from_db()
        assert contract.status == Contract.Status.COMPLETED
    assert_books_balanced()
