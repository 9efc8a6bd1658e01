"""Change orders: propose, accept (a new version, new amounts and fees for unfunded
milestones only), decline, withdraw; funded money never changes; audited and notified."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditLog
from contracts import services as lifecycle
from contracts.models import ChangeOrder, Contract, ContractVersion
from contracts.services.change_orders import (
    Change,
    change_order_accept,
    change_order_decline,
    change_order_propose,
    change_order_withdraw,
)
from contracts.tests.factories import contract_for
from core.exceptions import InvalidState, PermissionDenied, ValidationFailed
from notifications.models import Notification
from payments.models import Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(homeowner, contractor, settings):
    settings.PAYMENT_GATEWAY = "simulated"
    return contract_for(homeowner=homeowner, contractor=contractor, title="Kitchen",
                        milestones=[("Demolition", 30_000), ("Cabinets", 70_000)])


def ms(contract, position):
    return contract.milestones.get(position=position)


def test_add_a_milestone_accepted_versions_the_contract(contract, homeowner, contractor):
    order = change_order_propose(actor=contractor, contract_id=contract.pk, reason="You asked for a backsplash.",
                                 changes=[Change("add", title="Tile backsplash", amount_cents=25_000)])
    assert order.status == "pending" and order.base_version == 1
    assert Notification.objects.filter(recipient=homeowner, event="change_order.proposed").exists()
    version = change_order_accept(actor=homeowner, change_order_id=order.pk)
    contract.refresh_from_db()
    assert (contract.version, contract.total_cents) == (2, 125_000)
    new = ms(contract, 3)
    assert (new.title, new.amount_cents, new.fee_cents, new.status) == ("Tile backsplash", 25_000, 1_250, "unfunded")
    assert [v.number for v in ContractVersion.objects.filter(contract=contract)] == [1, 2]
    assert ContractVersion.objects.get(contract=contract, number=1).total_cents == 100_000  # kept as it was
    assert version.total_cents == 125_000 and len(version.milestones) == 3
    assert Notification.objects.filter(recipient=contractor, event="change_order.decided").exists()
    assert AuditLog.objects.filter(action="change_order.accepted", target_id=str(order.pk)).exists()


def test_reprice_remove_and_move_the_timeline(contract, homeowner, contractor):
    start = timezone.localdate() + timedelta(days=20)
    order = change_order_propose(
        actor=homeowner, contract_id=contract.pk, reason="Smaller scope, later start.", new_start=start,
        new_estimated_days=9,
        changes=[Change("update", ms(contract, 1).pk, "Demolition and haul-away", 35_000),
                 Change("remove", ms(contract, 2).pk)])
    change_order_accept(actor=contractor, change_order_id=order.pk)
    contract.refresh_from_db()
    assert list(contract.milestones.values_list("title", "amount_cents", "fee_cents")) == [
        ("Demolition and haul-away", 35_000, 1_750)]
    assert (contract.total_cents, contract.current_start, contract.current_estimated_days) == (35_000, start, 9)


def test_declined_and_withdrawn_change_nothing(contract, homeowner, contractor):
    order = change_order_propose(actor=contractor, contract_id=contract.pk, reason="More",
                                 changes=[Change("update", ms(contract, 2).pk, "Cabinets", 90_000)])
    with pytest.raises(PermissionDenied):
        change_order_accept(actor=contractor, change_order_id=order.pk)  # not your own
    change_order_decline(actor=homeowner, change_order_id=order.pk, note="Too much")
    with pytest.raises(InvalidState):
        change_order_accept(actor=homeowner, change_order_id=order.pk)
    second = change_order_propose(actor=contractor, contract_id=contract.pk, reason="Less",
                                  changes=[Change("update", ms(contract, 2).pk, "Cabinets", 60_000)])
    with pytest.raises(PermissionDenied):
        change_order_withdraw(actor=homeowner, change_order_id=second.pk)
    change_order_withdraw(actor=contractor, change_order_id=second.pk)
    contract.refresh_from_db()
    assert (contract.version, contract.total_cents, ms(contract, 2).amount_cents) == (1, 100_000, 70_000)
    assert not ContractVersion.objects.filter(contract=contract).exists()


def test_funded_money_never_changes(contract, homeowner, contractor):
    lifecycle.milestone_fund(actor=homeowner, milestone_id=ms(contract, 1).pk)
    assert ms(contract, 1).status == "funded"
    for change in (Change("update", ms(contract, 1).pk, "Demolition", 10_000), Change("remove", ms(contract, 1).pk)):
        with pytest.raises(ValidationFailed, match="funded"):
            change_order_propose(actor=homeowner, contract_id=contract.pk, reason="x", changes=[change])


def test_a_funding_after_the_proposal_makes_the_acceptance_refuse(contract, homeowner, contractor):
    order = change_order_propose(actor=contractor, contract_id=contract.pk, reason="More",
                                 changes=[Change("update", ms(contract, 1).pk, "Demolition", 40_000)])
    lifecycle.milestone_fund(actor=homeowner, milestone_id=ms(contract, 1).pk)
    with pytest.raises(InvalidState, match="can no longer apply"):
        change_order_accept(actor=homeowner, change_order_id=order.pk)
    assert Payment.objects.get().amount_cents == 30_000 and ms(contract, 1).amount_cents == 30_000


def test_one_pending_at_a_time_and_bad_input(contract, homeowner, contractor, other_homeowner):
    with pytest.raises(ValidationFailed):
        change_order_propose(actor=homeowner, contract_id=contract.pk, reason="nothing", changes=[])
    with pytest.raises(ValidationFailed):
        change_order_propose(actor=homeowner, contract_id=contract.pk, reason="free", changes=[
            Change("add", title="Free work", amount_cents=0)])
    with pytest.raises(ValidationFailed):
        change_order_propose(actor=homeowner, contract_id=contract.pk, reason="all gone", changes=[
            Change("remove", ms(contract, 1).pk), Change("remove", ms(contract, 2).pk)])
    with pytest.raises(PermissionDenied):
        change_order_propose(actor=other_homeowner, contract_id=contract.pk, reason="x",
                             changes=[Change("add", title="Mine", amount_cents=100)])
    change_order_propose(actor=homeowner, contract_id=contract.pk, reason="a",
                         changes=[Change("add", title="Paint", amount_cents=10_000)])
    with pytest.raises(InvalidState, match="already waiting"):
        change_order_propose(actor=contractor, contract_id=contract.pk, reason="b",
                             changes=[Change("add", title="Trim", amount_cents=10_000)])
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.CANCELLED)
    order = ChangeOrder.objects.get()
    with pytest.raises(InvalidState):
        change_order_accept(actor=contractor, change_order_id=order.pk)


def test_removing_the_last_open_milestone_completes_the_contract(homeowner, contractor, settings):
    settings.PAYMENT_GATEWAY = "simulated"
    from disputes.tests.helpers import submit
    from payments.tests.helpers import onboard

    contract = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("A", 10_000), ("B", 20_000)])
    onboard(contractor)
    lifecycle.milestone_fund(actor=homeowner, milestone_id=ms(contract, 1).pk)
    submit(ms(contract, 1), contractor)
    lifecycle.milestone_approve(actor=homeowner, milestone_id=ms(contract, 1).pk)
    order = change_order_propose(actor=homeowner, contract_id=contract.pk, reason="Done early",
                                 changes=[Change("remove", ms(contract, 2).pk)])
    change_order_accept(actor=contractor, change_order_id=order.pk)
    contract.refresh_from_db()
    assert contract.status == "completed" and contract.total_cents == 10_000
