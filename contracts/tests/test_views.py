"""Web pages of the milestone lifecycle: the contract page's money panel and buttons (fund,
submit, approve, request changes) and evidence downloads."""


import pytest
from django.urls import reverse

from contracts import services as contract_services
from contracts.tests.factories import contract_for
from contracts.views import evidence_token
from payments.models import Release
from payments.tests.helpers import onboard
from payments.tests.images import png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(simulated, homeowner, contractor):
    return contract_for(homeowner=homeowner, contractor=contractor)


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_contract_page_shows_fund_action_and_fee(client, contract, homeowner, contractor):
    html = page(client, homeowner, reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "Fund $315.00" in html and "$15.00 platform fee" in html
    assert "Your next step:" in html and "Payments and escrow" in html
    html = page(client, contractor, reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "Fund $315.00" not in html and "Waiting for the homeowner to fund" in html


def test_full_flow_through_the_web(client, contract, homeowner, contractor, django_capture_on_commit_callbacks):
    onboard(contractor)
    milestone = contract.milestones.get(position=1)
    detail = reverse("contracts:detail", args=[contract.pk])
    client.force_login(homeowner)
    response = client.post(reverse("contracts:milestone_fund", args=[milestone.pk]))
    assert response.status_code == 302 and response.url == detail
    client.force_login(contractor)
    assert "Submit completion" in client.get(detail).content.decode()
    submit_url = reverse("contracts:milestone_submit", args=[milestone.pk])
    assert client.get(submit_url).status_code == 200
    bad = client.post(submit_url, {"notes": "Done"})
    assert bad.status_code == 200 and "This field is required" in bad.content.decode()
    response = client.post(submit_url, {"notes": "Rough-in done", "evidence": [png_upload(), png_upload("b.png")]})
    assert response.status_code == 302
    client.force_login(homeowner)
    html = client.get(detail).content.decode()
    assert "Approve and release $300.00" in html and "Evidence photo 1" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contracts:milestone_approve", args=[milestone.pk]))
    assert response.status_code == 302
    html = client.get(detail).content.decode()
    assert "Released: $300.00 sent to the contractor" in html
    assert Release.objects.get().status == "succeeded"
    html = page(client, contractor, detail).content.decode()
    assert "Released: $300.00" in html


def test_errors_are_messages_not_500s(client, contract, homeowner, contractor):
    milestone = contract.milestones.get(position=1)
    client.force_login(homeowner)
    response = client.post(reverse("contracts:milestone_approve", args=[milestone.pk]), follow=True)
    assert response.status_code == 200 and "not funded yet" in response.content.decode()
    client.force_login(contractor)
    response = client.post(reverse("contracts:milestone_fund", args=[milestone.pk]), follow=True)
    assert "Only the homeowner" in response.content.decode()


def test_request_changes_via_the_web(client, contract, homeowner, contractor):
    milestone = contract.milestones.get(position=1)
    contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    contract_services.milestone_submit(actor=contractor, milestone_id=milestone.pk, notes="Done", files=[png_upload()])
    client.force_login(homeowner)
    url = reverse("contracts:milestone_request_changes", args=[milestone.pk])
    response = client.post(url, {"note": ""}, follow=True)
    assert "Tell the contractor" in response.content.decode()
    client.post(url, {"note": "Paint the trim"})
    milestone.refresh_from_db()
    assert milestone.status == "funded"
    html = page(client, contractor, reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "Paint the trim" in html


def test_strangers_get_404(client, contract, other_homeowner, other_contractor):
    milestone = contract.milestones.get(position=1)
    for user in (other_homeowner, other_contractor):
        client.force_login(user)
        assert client.post(reverse("contracts:milestone_fund", args=[milestone.pk])).status_code == 404
        assert client.get(reverse("contracts:milestone_submit", args=[milestone.pk])).status_code == 404


def test_evidence_served_only_to_parties_with_a_fresh_link(client, contract, homeowner, contractor, other_homeowner,
                                                           staff_user):
    milestone = contract.milestones.get(position=1)
    contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    submission = contract_services.milestone_submit(actor=contractor, milestone_id=milestone.pk, notes="Done", files=[png_upload()])
    file = submission.files.get()

    def url_for(user):
        return reverse("contracts:evidence_file", args=[file.pk, evidence_token(file.pk, user.pk)])

    for user in (homeowner, contractor, staff_user):
        response = page(client, user, url_for(user))
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert page(client, other_homeowner, url_for(other_homeowner)).status_code == 404
    assert page(client, other_homeowner, url_for(homeowner)).status_code == 404  # a forwarded link
    assert page(client, homeowner, reverse("contracts:evidence_file", args=[file.pk, "0:forged"])).status_code == 404


def test_evidence_link_expires(client, contract, homeowner, contractor, time_machine):
    milestone = contract.milestones.get(position=1)
    contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    file = contract_services.milestone_submit(actor=contractor, milestone_id=milestone.pk, notes="Done",
                                 files=[png_upload()]).files.get()
    from django.utils import timezone

    time_machine.move_to(timezone.now(), tick=False)
    url = reverse("contracts:evidence_file", args=[file.pk, evidence_token(file.pk, homeowner.pk)])
    assert page(client, homeowner, url).status_code == 200
    time_machine.shift(601)
    assert page(client, homeowner, url).status_code == 404


# The contract page's queries, pinned: the same with 1 and with 5 milestones, each with money
# rows of every kind (payment, release, submission and evidence, changes requested).
CONTRACT_PAGE_QUERIES = {"homeowner": 13, "contractor": 13}


@pytest.mark.parametrize("milestones", [1, 5])
@pytest.mark.parametrize("role", ["homeowner", "contractor"])
def test_contract_page_query_count_is_pinned(client, homeowner, contractor, simulated, django_assert_num_queries,
                                             django_capture_on_commit_callbacks, role, milestones):
    onboard(contractor)
    contract = contract_for(homeowner=homeowner, contractor=contractor,
                            milestones=[(f"Step {i}", 10_000) for i in range(milestones)])
    for milestone in contract.milestones.all():
        contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
        contract_services.milestone_submit(actor=contractor, milestone_id=milestone.pk, notes="Done",
                                           files=[png_upload()])
    first = contract.milestones.get(position=1)
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.milestone_approve(actor=homeowner, milestone_id=first.pk)
    if milestones > 1:
        contract_services.milestone_request_changes(actor=homeowner, milestone_id=contract.milestones.get(
            position=2).pk, note="Again")
    user = {"homeowner": homeowner, "contractor": contractor}[role]
    client.force_login(user)
    with django_assert_num_queries(CONTRACT_PAGE_QUERIES[role]):
        response = client.get(reverse("contracts:detail", args=[contract.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="milestone milestone-') == milestones


def test_milestone_emails_show_the_recipients_local_time(contract, homeowner, contractor):
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from notifications.models import Notification, NotificationDelivery

    homeowner.time_zone = "America/Chicago"
    homeowner.save(update_fields=["time_zone"])
    milestone = contract.milestones.get(position=1)
    contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    contract_services.milestone_submit(actor=contractor, milestone_id=milestone.pk, notes="Done", files=[png_upload()])
    milestone.refresh_from_db()
    local = timezone.localtime(milestone.auto_approve_at, ZoneInfo("America/Chicago"))
    words = f"{local:%B} {local.day}, {local.year}, {local.hour % 12 or 12}:{local:%M} {local:%p} {local.tzname()}"
    email = NotificationDelivery.objects.get(recipient=homeowner, event="milestone.submitted", channel="email")
    assert words in email.body_text and words in email.body_html and "UTC" not in email.body_text
    assert local.tzname() in Notification.objects.get(recipient=homeowner, event="milestone.submitted").body
