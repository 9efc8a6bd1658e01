"""The timed ladder with a frozen and advanced clock."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from contracts.models import Milestone
from core.exceptions import InvalidState
from disputes import services
from disputes.models import Dispute
from disputes.tasks import advance_due_task

from .helpers import disputed

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


def test_no_response_in_five_days_goes_to_mediation(contract):
    with time_machine.travel(START, tick=False) as clock:
        dispute = disputed(contract)
        assert dispute.response_due_at == START + timedelta(days=5) == dispute.deadline_at
        clock.shift(timedelta(days=5) - timedelta(minutes=1))
        assert services.disputes_advance_due() == 0
        clock.shift(timedelta(minutes=2))
        assert advance_due_task.apply().get() == 1
        dispute.refresh_from_db()
        assert dispute.status == Dispute.Status.MEDIATION and dispute.deadline_at is None
        assert dispute.escalated_by is None and dispute.escalated_at == timezone.now()
        assert dispute.events.filter(kind="escalated").exists()
        assert services.disputes_advance_due() == 0  # once only


def test_response_then_negotiation_runs_out(contract):
    with time_machine.travel(START, tick=False) as clock:
        dispute = disputed(contract)
        clock.shift(timedelta(days=4))
        services.message_post(actor=contract.contractor, dispute_id=dispute.pk, body="Here is my side.")
        dispute.refresh_from_db()
        assert dispute.status == Dispute.Status.NEGOTIATION
        assert dispute.negotiation_due_at == START + timedelta(days=9)
        clock.shift(timedelta(days=2))  # past the old response deadline: nothing happens
        assert services.disputes_advance_due() == 0
        clock.shift(timedelta(days=3, seconds=1))
        assert services.disputes_advance_due() == 1
        dispute.refresh_from_db()
        assert dispute.status == Dispute.Status.MEDIATION


def test_escalate_early_and_offers_still_allowed_in_mediation(contract, django_capture_on_commit_callbacks):
    dispute = disputed(contract)
    services.dispute_escalate(actor=contract.contractor, dispute_id=dispute.pk)
    dispute.refresh_from_db()
    assert dispute.status == "mediation" and dispute.escalated_by == contract.contractor
    with pytest.raises(InvalidState):
        services.dispute_escalate(actor=contract.homeowner, dispute_id=dispute.pk)
    offer = services.offer_make(actor=contract.homeowner, dispute_id=dispute.pk, contractor_amount_cents=29_000)
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_accept(actor=contract.contractor, offer_id=offer.pk)
    dispute.refresh_from_db()
    assert dispute.status == "resolved"


def test_withdraw_restarts_the_auto_approve_clock_sensibly(contract):
    with time_machine.travel(START, tick=False) as clock:
        dispute = disputed(contract)  # submitted at START: 14 days on the clock
        assert dispute.auto_approve_remaining == timedelta(days=14)
        clock.shift(timedelta(days=20))  # the dispute lasted longer than the clock had left
        services.dispute_withdraw(actor=contract.homeowner, dispute_id=dispute.pk)
        milestone = Milestone.objects.get(pk=dispute.milestone_id)
        assert milestone.status == "submitted"
        assert milestone.auto_approve_at == timezone.now() + timedelta(days=14)  # the time it had left


def test_withdraw_near_the_end_of_the_clock_keeps_a_minimum(contract):
    with time_machine.travel(START, tick=False) as clock:
        from contracts import services as contract_services

        from .helpers import first_milestone, fund, open_on, submit

        milestone = fund(first_milestone(contract), contract.homeowner)
        submit(milestone, contract.contractor)
        clock.shift(timedelta(days=13, hours=23))
        dispute = open_on(milestone, contract.homeowner)
        clock.shift(timedelta(days=1))
        assert contract_services.milestones_auto_approve_due() == 0  # frozen while disputed
        services.dispute_withdraw(actor=contract.homeowner, dispute_id=dispute.pk)
        milestone.refresh_from_db()
        assert milestone.auto_approve_at == timezone.now() + timedelta(days=3)
