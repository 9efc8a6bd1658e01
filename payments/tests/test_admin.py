"""Staff admin: read-only money, payloads visible, retry of a failed release, report."""

import pytest
from django.urls import reverse

from contracts import services as contract_services
from payments import services
from payments.models import LedgerTransaction, Release, WebhookEvent

from .helpers import fund_via_checkout, onboard, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_release(fake_stripe, deliver, contract, homeowner, contractor, monkeypatch):
    monkeypatch.setattr("payments.alerts.sentry_sdk.capture_message", lambda *a, **k: None)
    onboard(contractor, fake_stripe)
    milestone = contract.milestones.get(position=1)
    fund_via_checkout(fake_stripe, deliver, milestone, homeowner)
    submit(milestone, contractor)
    release = contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    fake_stripe.fail_next("POST", "/v1/transfers", "400")
    services.release_execute(release.pk)
    return release


def test_admin_pages_render(client, staff_user, failed_release):
    client.force_login(staff_user)
    for name in ("payment", "release", "refund", "ledgertransaction", "ledgerentry", "webhookevent",
                 "payoutaccount", "milestoneescrow", "reconciliationrun"):
        response = client.get(reverse(f"admin:payments_{name}_changelist"))
        assert response.status_code == 200, name
    # Submissions moved to contracts with the milestone lifecycle; the page still renders.
    assert client.get(reverse("admin:contracts_submission_changelist")).status_code == 200
    event = WebhookEvent.objects.first()
    html = client.get(reverse("admin:payments_webhookevent_change", args=[event.pk])).content.decode()
    assert "checkout.session.completed" in html and "payment_status" in html  # the payload
    tx = LedgerTransaction.objects.first()
    assert client.get(reverse("admin:payments_ledgertransaction_change", args=[tx.pk])).status_code == 200


def test_ledger_and_events_cannot_be_edited_in_admin(client, staff_user, failed_release):
    client.force_login(staff_user)
    tx = LedgerTransaction.objects.first()
    assert client.get(reverse("admin:payments_ledgertransaction_add")).status_code == 403
    assert client.post(reverse("admin:payments_ledgertransaction_delete", args=[tx.pk]), {"post": "yes"}).status_code == 403
    assert LedgerTransaction.objects.filter(pk=tx.pk).exists()


def test_staff_retry_of_a_failed_release(client, staff_user, failed_release, fake_stripe,
                                         django_capture_on_commit_callbacks):
    client.force_login(staff_user)
    assert Release.objects.get(pk=failed_release.pk).status == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:payments_release_changelist"),
                               {"action": "retry_failed", "_selected_action": [str(failed_release.pk)]})
    assert response.status_code == 302
    release = Release.objects.get(pk=failed_release.pk)
    assert release.status == "succeeded" and release.key_generation == 1
    from audit.models import AuditLog

    assert AuditLog.objects.filter(action="release.retried", actor=staff_user).exists()


def test_reconciliation_report_view(client, staff_user, simulated):
    client.force_login(staff_user)
    url = reverse("admin:payments_reconciliation_report")
    assert "No reconciliation has run yet" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "no differences" in response.content.decode()


def test_non_staff_cannot_reach_admin(client, homeowner):
    client.force_login(homeowner)
    assert client.get(reverse("admin:payments_reconciliation_report")).status_code == 302
