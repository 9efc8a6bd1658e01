"""Real threads against PostgreSQL: two approvals at once release once; two deliveries of
the same webhook at once book once."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from contracts import services as contract_services
from contracts.tests.factories import contract_for
from core.exceptions import InvalidState
from payments.models import LedgerTransaction, MilestoneEscrow, Release

from .conftest import sign
from .helpers import assert_books_balanced, onboard
from .images import png_upload

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(n, target):
    barrier = threading.Barrier(n)
    results = []

    def worker():
        barrier.wait()
        try:
            results.append(target())
        except Exception as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_simultaneous_approvals_release_once(simulated, homeowner, contractor):
    onboard(contractor)
    contract = contract_for(homeowner=homeowner, contractor=contractor)
    milestone = contract.milestones.get(position=1)
    contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    contract_services.milestone_submit(actor=contractor, milestone_id=milestone.pk, notes="Done", files=[png_upload()])

    results = run_at_once(4, lambda: contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk))

    releases = [r for r in results if isinstance(r, Release)]
    refused = [r for r in results if isinstance(r, InvalidState)]
    assert len(releases) == 1 and len(refused) == 3, results
    assert Release.objects.filter(milestone=milestone).count() == 1
    release = Release.objects.get(milestone=milestone)
    assert release.status == "succeeded"  # on_commit ran the (eager) task once
    assert LedgerTransaction.objects.filter(kind="payout").count() == 1
    assert MilestoneEscrow.objects.get(milestone=milestone).released_cents == 30_000
    assert_books_balanced()


def test_same_webhook_delivered_concurrently_books_once(fake_stripe, homeowner, contractor):
    contract = contract_for(homeowner=homeowner, contractor=contractor)
    milestone = contract.milestones.get(position=1)
    payment = contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    session = fake_stripe.complete_checkout(payment.checkout_session_id)
    payload = json.dumps(fake_stripe.event("checkout.session.completed", session))
    header = sign(payload)
    intent_payload = json.dumps(fake_stripe.event("payment_intent.succeeded",
                                                  fake_stripe.objects[session["payment_intent"]]))
    intent_header = sign(intent_payload)

    def deliver(i):
        body, sig = (payload, header) if i % 2 else (intent_payload, intent_header)
        return Client().post("/webhooks/stripe/", data=body, content_type="application/json",
                             HTTP_STRIPE_SIGNATURE=sig).status_code

    counter = iter(range(100))
    lock = threading.Lock()

    def next_delivery():
        with lock:
            i = next(counter)
        return deliver(i)

    results = run_at_once(6, next_delivery)
    assert results == [200] * 6, results
    assert LedgerTransaction.objects.filter(kind="funding").count() == 1
    assert MilestoneEscrow.objects.get(milestone=milestone).funded_cents == 30_000
    assert_books_balanced()
