"""What removal and suspension change for people: removed content is gone from the board,
the job page, the thread, the directory, the profile and the API for everyone else; its
author sees "removed by moderators: <reason>"; a suspended account is told why and refused
with a clear error (web and API) when it tries to act."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ContractorFactory
from jobs.tests.factories import JobFactory
from messaging import selectors as message_selectors
from messaging import services as message_services
from moderation import services
from payments.tests.images import png_upload

pytestmark = pytest.mark.django_db


def _hide(world, staff_user, kind, reason="Scam: asks for a deposit by gift card."):
    services.content_hide(actor=staff_user, target_kind=kind, target_id=world["targets"][kind], reason=reason)


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def test_hidden_job_leaves_board_page_and_api_for_others(world, staff_user, client, api_client, api_as):
    job = world["job"]
    board, page = reverse("jobs:board"), reverse("jobs:detail", args=[job.pk])
    assert job.title in client.get(board).content.decode()  # (and now cached for anonymous visitors)
    _hide(world, staff_user, "job")
    for role in ("anonymous", "other_contractor", "bidder", "other_homeowner"):
        _as(client, world["people"][role])
        assert job.title not in client.get(board).content.decode(), role
        assert client.get(page).status_code == 404, role
    assert str(job.pk) not in api_client.get("/api/v1/jobs/").content.decode()
    assert api_client.get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert api_as(world["people"]["bidder"]).get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    # Its owner still has it, with the reason; staff too.
    owner_page = _as(client, world["people"]["owner"]).get(page).content.decode()
    assert "Your job was removed by moderators:" in owner_page and "gift card" in owner_page
    mine = api_as(world["people"]["owner"]).get(f"/api/v1/jobs/{job.pk}/").json()
    assert mine["removed_by_moderators"] == "Scam: asks for a deposit by gift card."
    assert _as(client, staff_user).get(page).status_code == 200


def test_a_hidden_job_takes_no_bids_or_questions(world, staff_user, api_as):
    _hide(world, staff_user, "job")
    response = api_as(world["people"]["other_contractor"]).post(
        f"/api/v1/jobs/{world['job'].pk}/bids/", {"amount_cents": 40_000, "estimated_days": 3,
                                                  "proposed_start": str(timezone.localdate() + timedelta(days=9))},
        format="json")
    assert response.status_code == 404


def test_hidden_question_is_gone_for_others_and_explained_to_its_asker(world, staff_user, client, api_client, api_as):
    job, body = world["job"], "Is the old fence concrete-set?"
    page = reverse("jobs:detail", args=[job.pk])
    _hide(world, staff_user, "question", reason="Asked for a phone number.")
    for role in ("anonymous", "owner", "other_contractor"):
        html = _as(client, world["people"][role]).get(page).content.decode()
        assert body not in html and "Asked for a phone number." not in html, role
    assert body not in api_client.get(f"/api/v1/jobs/{job.pk}/questions/").content.decode()
    asker = _as(client, world["people"]["bidder"]).get(page).content.decode()
    assert "Your question was removed by moderators:" in asker and "Asked for a phone number." in asker
    assert body not in asker
    [mine] = api_as(world["people"]["bidder"]).get(f"/api/v1/jobs/{job.pk}/questions/").json()["results"]
    assert mine["body"] == "" and mine["removed_by_moderators"] == "Asked for a phone number."


def test_hidden_message_is_gone_for_the_other_party(world, staff_user, client, api_as):
    contract = world["contract"]
    thread = reverse("messaging:thread", args=[contract.pk])
    text = "Pay me cash and skip the fee?"
    with_file = message_services.message_post(actor=world["people"]["owner"], contract_id=contract.pk,
                                                        body="And the invoice", files=[png_upload()])
    attachment = with_file.attachments.get()
    services.content_hide(actor=staff_user, target_kind="message", target_id=world["message"].pk, reason="Fee dodge.")
    services.content_hide(actor=staff_user, target_kind="message", target_id=with_file.pk, reason="Fee dodge.")
    party = world["people"]["party"]
    html = _as(client, party).get(thread).content.decode()
    assert text not in html and "Fee dodge." not in html and "And the invoice" not in html
    assert text not in api_as(party).get(f"/api/v1/contracts/{contract.pk}/messages/").content.decode()
    link = message_selectors.attachment_url(attachment, party)
    assert client.get(link).status_code == 404
    # The author sees the notice in its place, never the removed text back.
    author = _as(client, world["people"]["owner"]).get(thread).content.decode()
    assert "Your message was removed by moderators:" in author and text not in author
    rows = api_as(world["people"]["owner"]).get(f"/api/v1/contracts/{contract.pk}/messages/").json()["results"]
    assert {(r["body"], r["removed_by_moderators"]) for r in rows} == {("", "Fee dodge.")}


def test_hidden_profile_leaves_directory_profile_and_api(world, staff_user, client, api_client):
    party = world["people"]["party"]
    profile_url = reverse("directory:profile", args=[party.pk])
    assert "Party Plumbing" in client.get(reverse("directory:directory")).content.decode()
    _hide(world, staff_user, "profile", reason="Fake licence number in the bio.")
    assert "Party Plumbing" not in client.get(reverse("directory:directory")).content.decode()
    assert client.get(profile_url).status_code == 404
    assert "Party Plumbing" not in api_client.get("/api/v1/contractors/").content.decode()
    assert api_client.get(f"/api/v1/contractors/{party.pk}/").status_code == 404
    own = _as(client, party).get(profile_url).content.decode()
    assert "Your profile was removed by moderators:" in own and "Fake licence number" in own


def test_hidden_review_shows_the_removal_in_its_place(world, staff_user, client):
    _hide(world, staff_user, "review", reason="Personal attack.")
    html = client.get(reverse("reviews:user", args=[world["people"]["party"].pk])).content.decode()
    assert "Terrible, avoid." not in html and "Personal attack." in html


def test_suspended_contractor_is_told_and_refused_on_web_and_api(world, staff_user, client, api_as):
    bidder = world["people"]["bidder"]
    services.user_suspend(actor=staff_user, user_id=bidder.pk, reason="Payment outside the platform.")
    other_job = JobFactory(title="Paint the porch")
    _as(client, bidder)
    page = client.get(reverse("jobs:detail", args=[other_job.pk])).content.decode()
    assert "Your account is suspended:" in page and "Payment outside the platform." in page
    response = client.post(reverse("bids:place", args=[other_job.pk]), {"amount": "400"}, follow=True)
    assert "Your account is suspended: Payment outside the platform." in response.content.decode()
    assert not other_job.bids.exists()
    api = api_as(bidder)
    refused = api.post(f"/api/v1/jobs/{other_job.pk}/bids/", {
        "amount_cents": 40_000, "estimated_days": 3, "proposed_start": str(timezone.localdate() + timedelta(days=9))},
        format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "account_suspended"
    assert "Payment outside the platform." in refused.json()["error"]["message"]
    asked = api.post(f"/api/v1/jobs/{other_job.pk}/questions/", {"body": "Which paint?"}, format="json")
    assert asked.status_code == 403 and asked.json()["error"]["code"] == "account_suspended"
    # Not in the directory while suspended.
    assert "Bidding Builders" not in client.get(reverse("directory:directory")).content.decode()


def test_suspended_homeowner_cannot_message(world, staff_user, api_as):
    owner = world["people"]["owner"]
    services.user_suspend(actor=staff_user, user_id=owner.pk, reason="Threats.")
    response = api_as(owner).post(f"/api/v1/contracts/{world['contract'].pk}/messages/", {"body": "hi"},
                                  format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "account_suspended"


def test_anonymous_job_page_cache_never_serves_a_removed_job(world, staff_user, client):
    page = reverse("jobs:detail", args=[world["job"].pk])
    assert client.get(page).status_code == 200  # cached for signed-out visitors
    _hide(world, staff_user, "job")
    assert client.get(page).status_code == 404
    cache.clear()


def test_contractor_not_in_directory_while_suspended_and_back_after(staff_user, client):
    contractor = ContractorFactory(profile__business_name="Comeback Carpentry")
    services.user_suspend(actor=staff_user, user_id=contractor.pk, reason="Spam.")
    assert "Comeback Carpentry" not in client.get(reverse("directory:directory")).content.decode()
    services.user_unsuspend(actor=staff_user, user_id=contractor.pk)
    assert "Comeback Carpentry" in client.get(reverse("directory:directory")).content.decode()
