"""Dispute forms cannot be submitted twice (core.once): the same rendered form sent again
(a double click, a resent POST) creates nothing more and lands where the first one did."""

import pytest
from django.urls import reverse

from disputes.models import Dispute, DisputeMessage, Offer
from disputes.tests.helpers import disputed, first_milestone, fund, submit
from payments.models import Refund, Release

pytestmark = pytest.mark.django_db


def twice(client, user, url, data):
    client.force_login(user)
    data = {**data, "form_token": "double-click-token-0001"}
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302, (first.content, second.content)
    assert first["Location"] == second["Location"]
    return second


def test_open_dispute_twice_opens_one(contract, client):
    milestone = submit(fund(first_milestone(contract), contract.homeowner), contract.contractor)
    url = reverse("disputes:open", args=[milestone.pk])
    twice(client, contract.homeowner, url, {"reason": "quality", "description": "Cracked tiles in three places."})
    assert Dispute.objects.filter(milestone=milestone).count() == 1


@pytest.mark.parametrize("form, data, model", [
    ("disputes:message", {"body": "Here is my answer."}, DisputeMessage),
    ("disputes:offer", {"contractor_amount": "100", "note": "Half each?"}, Offer),
])
def test_answer_and_offer_twice_make_one(contract, client, form, data, model):
    dispute = disputed(contract)
    twice(client, contract.contractor, reverse(form, args=[dispute.pk]), data)
    assert model.objects.filter(dispute=dispute).count() == 1
    follow = client.get(reverse("disputes:detail", args=[dispute.pk])).content.decode()
    assert "This dispute is already" not in follow  # the repeat was quiet, not an error


def test_accepting_an_offer_twice_settles_once(contract, client, django_capture_on_commit_callbacks):
    from disputes import services

    dispute = disputed(contract)
    offer = services.offer_make(actor=contract.contractor, dispute_id=dispute.pk, contractor_amount_cents=20_000)
    with django_capture_on_commit_callbacks(execute=True):
        twice(client, contract.homeowner, reverse("disputes:offer_accept", args=[offer.pk]), {})
    assert Release.objects.filter(milestone=dispute.milestone).count() == 1
    assert Refund.objects.filter(milestone=dispute.milestone, kind="escrow").count() == 1
    page = client.get(reverse("disputes:detail", args=[dispute.pk])).content.decode()
    assert "Offer accepted." in page and "already resolved" not in page


def test_staff_decision_confirmed_twice_moves_money_once(contract, client, staff_user,
                                                         django_capture_on_commit_callbacks):
    dispute = disputed(contract)
    url = reverse("admin:disputes_dispute_act", args=[dispute.pk, "decide"])
    data = {"decide-outcome": "split", "decide-contractor_amount": "200", "decide-reason": "Half done.",
            "confirmed": "1"}
    with django_capture_on_commit_callbacks(execute=True):
        twice(client, staff_user, url, data)
    dispute.refresh_from_db()
    assert dispute.status == "resolved" and dispute.contractor_amount_cents == 20_000
    assert Release.objects.filter(milestone=dispute.milestone).count() == 1
    page = client.get(reverse("admin:disputes_dispute_change", args=[dispute.pk])).content.decode()
    assert "already resolved" not in page
