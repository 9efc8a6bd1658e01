"""A change order racing a funding on PostgreSQL (real threads): one wins, and the money
charged always equals the milestone's amount + fee at the moment it was charged."""

import threading

import pytest
from django.db import connection

from contracts import services as lifecycle
from contracts.models import Milestone
from contracts.services.change_orders import Change, change_order_accept, change_order_propose
from contracts.tests.factories import contract_for
from core.exceptions import ApplicationError
from payments.models import Payment


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_change_order_racing_a_funding(homeowner, contractor, settings, round_):
    settings.PAYMENT_GATEWAY = "simulated"
    contract = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("Frame", 30_000), ("Roof", 50_000)])
    milestone = contract.milestones.get(position=1)
    order = change_order_propose(actor=contractor, contract_id=contract.pk, reason="Steel beams cost more",
                                 changes=[Change("update", milestone.pk, "Frame", 45_000)])
    barrier = threading.Barrier(2)
    outcomes: dict = {}

    def run(name, call):
        try:
            barrier.wait(timeout=10)
            outcomes[name] = call()
        except ApplicationError as exc:
            outcomes[name] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("fund", lambda: lifecycle.milestone_fund(actor=homeowner,
                                                                              milestone_id=milestone.pk))),
        threading.Thread(target=run, args=("accept", lambda: change_order_accept(actor=homeowner,
                                                                                change_order_id=order.pk))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    milestone = Milestone.objects.get(pk=milestone.pk)
    payment = Payment.objects.get(milestone=milestone)  # the funding always happens
    assert milestone.status == "funded"
    assert (payment.amount_cents, payment.fee_cents) == (milestone.amount_cents, milestone.fee_cents)
    if isinstance(outcomes["accept"], ApplicationError):
        # The funding won: the change was refused and the old price stands.
        assert outcomes["accept"].status_code == 409 and milestone.amount_cents == 30_000
    else:
        # The change won: the funding charged the new price and fee.
        assert milestone.amount_cents == 45_000 and payment.total_cents == 45_000 + 2_250
