"""Staff mediation in admin, the party pages' forms, and pinned query counts."""

import pytest
from django.urls import reverse

from disputes import services
from disputes.models import Dispute, StaffNote

from .helpers import disputed, first_milestone, fund, make_contract

pytestmark = pytest.mark.django_db


def test_admin_list_filters(contract, client, staff_user, django_assert_max_num_queries):
    dispute = disputed(contract)
    client.force_login(staff_user)
    url = reverse("admin:disputes_dispute_changelist")
    for query in ("", "?status__exact=awaiting_response", "?overdue=yes", "?overdue=soon", "?overdue=mediation",
                  "?amount=lt500", "?amount=gte10000", "?q=" + contract.job.title[:5]):
        response = client.get(url + query)
        assert response.status_code == 200, query
    assert str(dispute.pk)[:8] in client.get(url + "?amount=lt500").content.decode()
    assert str(dispute.pk)[:8] not in client.get(url + "?overdue=yes").content.decode()
    with django_assert_max_num_queries(12):
        client.get(url)


def test_admin_mediation_actions(contract, client, staff_user, django_capture_on_commit_callbacks):
    dispute = disputed(contract)
    client.force_login(staff_user)
    page = client.get(reverse("admin:disputes_dispute_change", args=[dispute.pk]))
    body = page.content.decode()
    assert "Completion submissions" in body and "Done, photos attached." in body  # the contractor's evidence
    act = lambda action: reverse("admin:disputes_dispute_act", args=[dispute.pk, action])  # noqa: E731
    assert client.post(act("note"), {"note-body": "Looks like a partial job."}).status_code == 302
    assert StaffNote.objects.filter(dispute=dispute).count() == 1
    assert client.post(act("message"), {"msg-body": "Please send photos of the tiles."}).status_code == 302
    assert dispute.messages.get().by_staff
    # A decision needs a reason, and a split needs a valid amount: errors, nothing moves.
    bad = client.post(act("decide"), {"decide-outcome": "split", "decide-reason": "", "decide-contractor_amount": ""})
    assert bad.status_code == 400
    bad = client.post(act("decide"), {"decide-outcome": "split", "decide-reason": "Half done.",
                                      "decide-contractor_amount": "500.00"})
    assert bad.status_code == 400 and "less than" in bad.content.decode()
    dispute.refresh_from_db()
    assert dispute.is_open
    decision = {"decide-outcome": "split", "decide-reason": "Half the tiles are fine.",
                "decide-contractor_amount": "150.00"}
    confirm = client.post(act("decide"), decision)  # first the confirmation, stating the amounts
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert "Contractor receives" in body and "$150.00" in body and "plus $7.50 of platform fee" in body
    dispute.refresh_from_db()
    assert dispute.is_open  # nothing moved yet
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(act("decide"), {**decision, "confirmed": "1"})
    assert ok.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.status, dispute.outcome, dispute.contractor_amount_cents, dispute.refund_cents) == (
        "resolved", "split", 15_000, 15_000)
    assert dispute.resolved_by == staff_user and dispute.resolution_reason == "Half the tiles are fine."
    page = client.get(reverse("admin:disputes_dispute_change", args=[dispute.pk])).content.decode()
    assert "dispute.resolved" in page  # the audit trail


def test_open_form_and_offer_form(contract, client, django_capture_on_commit_callbacks):
    milestone = fund(first_milestone(contract), contract.homeowner)
    client.force_login(contract.homeowner)
    url = reverse("disputes:open", args=[milestone.pk])
    bad = client.post(url, {"reason": "quality", "description": "Bad", "requested_refund": "999.00"})
    assert bad.status_code == 200 and "at most the milestone amount" in bad.content.decode()
    response = client.post(url, {"reason": "quality", "description": "Cracked tiles.", "requested_refund": "50"})
    dispute = Dispute.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("disputes:detail", args=[dispute.pk])
    assert dispute.requested_refund_cents == 5_000
    page = client.get(response["Location"]).content.decode()
    assert "data-countdown" in page and "What happens next" in page
    bad = client.post(reverse("disputes:offer", args=[dispute.pk]), {"contractor_amount": "-1"})
    assert bad.status_code == 400
    client.force_login(contract.contractor)
    assert client.post(reverse("disputes:offer", args=[dispute.pk]), {"contractor_amount": "200"}).status_code == 302
    client.force_login(contract.homeowner)
    offer = dispute.offers.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("disputes:offer_accept", args=[offer.pk]))
    dispute.refresh_from_db()
    assert dispute.status == "resolved" and dispute.contractor_amount_cents == 20_000


def test_contract_page_links_to_open_a_dispute(contract, client):
    milestone = fund(first_milestone(contract), contract.homeowner)
    client.force_login(contract.homeowner)
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert reverse("disputes:open", args=[milestone.pk]) in page


def test_query_counts_do_not_grow(homeowner, contractor, simulated, client, api_as, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            c = make_contract(homeowner, contractor, milestones=[("One", 10_000)])
            d = disputed(c, submitted=False)
            services.message_post(actor=contractor, dispute_id=d.pk, body="reply")
            services.offer_make(actor=contractor, dispute_id=d.pk, contractor_amount_cents=5_000)
        return d

    dispute = add(1)
    api = api_as(homeowner)
    client.force_login(homeowner)
    with django_assert_max_num_queries(14):
        assert api.get("/api/v1/disputes/").status_code == 200
    with django_assert_max_num_queries(24):
        assert client.get(reverse("disputes:detail", args=[dispute.pk])).status_code == 200
    add(4)
    for _ in range(5):
        services.message_post(actor=homeowner, dispute_id=dispute.pk, body="more")
    with django_assert_max_num_queries(14):
        assert len(api.get("/api/v1/disputes/").json()["results"]) == 5
    with django_assert_max_num_queries(24):
        assert client.get(reverse("disputes:detail", args=[dispute.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("disputes:list")).status_code == 200
