"""Web pages of payments: receipts, checkout return, payouts, the webhook URL (the contract
page and its milestone buttons are tested in contracts/tests/test_views.py)."""

import re

import pytest
from django.urls import reverse

from contracts import services as contract_services
from contracts.tests.factories import contract_for

from .helpers import onboard
from .images import png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(simulated, homeowner, contractor):
    return contract_for(homeowner=homeowner, contractor=contractor)


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_receipt_visible_to_parties_and_staff_only(client, contract, homeowner, contractor, other_homeowner,
                                                   staff_user):
    payment = contract_services.milestone_fund(actor=homeowner, milestone_id=contract.milestones.get(position=1).pk)
    url = reverse("payments:receipt", args=[payment.pk])
    html = page(client, homeowner, url).content.decode()
    assert "$300.00" in html and "$15.00" in html and "$315.00" in html and "Simulated payment" in html
    assert page(client, contractor, url).status_code == 200
    assert page(client, staff_user, url).status_code == 200
    assert page(client, other_homeowner, url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_checkout_return_page(fake_stripe, client, homeowner, contractor):
    contract = contract_for(homeowner=homeowner, contractor=contractor)
    payment = contract_services.milestone_fund(actor=homeowner, milestone_id=contract.milestones.get(position=1).pk)
    response = page(client, homeowner, reverse("payments:checkout_return", args=[payment.pk]))
    assert response.status_code == 200 and "Confirming your payment" in response.content.decode()


def test_payouts_page(client, contract, homeowner, contractor):
    html = page(client, contractor, reverse("payments:payouts")).content.decode()
    assert "Set up payouts" in html and "No payouts yet" in html
    response = client.post(reverse("payments:onboarding_start"))
    assert response.status_code == 302 and "onboarding=returned" in response.url
    html = client.get(response.url).content.decode()
    assert "Ready" in html
    assert page(client, homeowner, reverse("payments:payouts")).status_code == 404


def test_onboarding_with_stripe_redirects_to_stripe(fake_stripe, client, contractor):
    client.force_login(contractor)
    response = client.post(reverse("payments:onboarding_start"))
    assert response.status_code == 302 and response.url.startswith("https://connect.stripe.com/")
    html = client.get(reverse("payments:payouts") + "?onboarding=returned").content.decode()
    assert "Setup not finished" in html and "A bank account for payouts" in html and "Your date of birth" in html
    assert client.get(reverse("payments:onboarding_refresh")).status_code == 200


def test_payouts_page_query_count_is_flat(client, contractor, homeowner, simulated, django_assert_max_num_queries):
    onboard(contractor)
    for _ in range(3):
        contract = contract_for(homeowner=homeowner, contractor=contractor)
        for milestone in contract.milestones.all():
            contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
            contract_services.milestone_submit(actor=contractor, milestone_id=milestone.pk, notes="Done", files=[png_upload()])
            contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    client.force_login(contractor)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("payments:payouts")).content.decode()
    assert len(re.findall(r"<tr>", html)) == 7  # header + 6 releases


def test_payouts_page_shows_what_is_held_in_escrow(client, contractor, homeowner, simulated):
    contract = contract_for(homeowner=homeowner, contractor=contractor)  # 300.00 + 700.00
    contract_services.milestone_fund(actor=homeowner, milestone_id=contract.milestones.get(position=2).pk)
    html = page(client, contractor, reverse("payments:payouts")).content.decode()
    assert re.search(r"In escrow for your open milestones</dt><dd>\$700\.00</dd>", html), html


def test_webhook_url_is_at_the_site_root():
    assert reverse("payments:stripe_webhook") == "/webhooks/stripe/"
