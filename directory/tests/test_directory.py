import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ContractorFactory
from audit.models import AuditLog
from bids.tests.factories import BidFactory
from core.exceptions import Conflict, InvalidState, RateLimited, ValidationFailed
from credentials.tests.factories import add_credential, verified
from directory import services
from directory.models import Invitation
from jobs.models import Category, Job
from jobs.tests.factories import JobFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _contractor(name, zip_code="78701", rating=None, jobs=0, trade="plumbing"):
    user = ContractorFactory(profile__business_name=name, profile__zip_code=zip_code)
    profile = user.contractor_profile
    profile.rating_avg, profile.rating_count, profile.completed_jobs = rating, 3 if rating else 0, jobs
    profile.save()
    profile.trades.add(Category.objects.get(slug=trade))
    return user


def _names(response):
    return [p.business_name for p in response.context["page"].object_list]


def test_filters_and_sorts(client, staff_user):
    near = _contractor("Austin Pipes", rating=4.8, jobs=2)
    verified(near, "license", staff=staff_user)
    _contractor("Cedar Park Plumbing", zip_code="78613", rating=4.2, jobs=9)
    unverified = _contractor("Houston Drains", zip_code="77002", rating=5.0)
    add_credential(unverified, "license")  # awaiting review is not verified
    _contractor("Sparks Electric", trade="electrical", rating=3.5)
    url = reverse("directory:directory")
    assert _names(client.get(url)) == ["Houston Drains", "Austin Pipes", "Cedar Park Plumbing", "Sparks Electric"]
    assert _names(client.get(url, {"category": "plumbing", "zip": "78701", "radius": "25"})) == [
        "Austin Pipes", "Cedar Park Plumbing"]
    assert _names(client.get(url, {"category": "plumbing", "zip": "78701", "radius": "25", "sort": "jobs"})) == [
        "Cedar Park Plumbing", "Austin Pipes"]
    assert _names(client.get(url, {"verified": "on"})) == ["Austin Pipes"]
    assert _names(client.get(url, {"min_rating": "4.5"})) == ["Houston Drains", "Austin Pipes"]
    html = client.get(url, {"verified": "on"}).content.decode()
    assert reverse("directory:profile", args=[near.pk]) in html and "Verified license (TX)" in html


def test_bad_filters_are_explained(client):
    response = client.get(reverse("directory:directory"), {"zip": "abc", "radius": "25"})
    assert response.status_code == 200 and "No contractors match" in response.content.decode()
    assert response.context["form"].errors["zip"]


# --- invitations --------------------------------------------------------------------------
def test_invitation_tells_the_contractor_about_the_job_only(homeowner, contractor, other_contractor):
    job = JobFactory(homeowner=homeowner, title="Fix the leaking shower valve")
    BidFactory(job=job, contractor=other_contractor, amount_cents=77_700)
    services.invitation_send(actor=homeowner, contractor_id=contractor.pk, job_id=job.pk)
    note = Notification.objects.get(recipient=contractor, event="bid.invited")
    assert "Fix the leaking shower valve" in note.body and homeowner.display_name in note.title
    assert "777" not in note.body + note.title and other_contractor.display_name not in note.body
    assert AuditLog.objects.filter(action="invitation.sent", actor=homeowner).exists()
    with pytest.raises(Conflict):
        services.invitation_send(actor=homeowner, contractor_id=contractor.pk, job_id=job.pk)


def test_invitation_rules(homeowner, other_homeowner, contractor):
    job = JobFactory(homeowner=homeowner)
    with pytest.raises(ValidationFailed):  # not their job
        services.invitation_send(actor=other_homeowner, contractor_id=contractor.pk, job_id=job.pk)
    closed = JobFactory(homeowner=homeowner, status=Job.Status.REVIEWING, bidding_closed_at=timezone.now())
    with pytest.raises(InvalidState):
        services.invitation_send(actor=homeowner, contractor_id=contractor.pk, job_id=closed.pk)
    services.invitations_set(actor=contractor, enabled=False)
    with pytest.raises(InvalidState) as exc:
        services.invitation_send(actor=homeowner, contractor_id=contractor.pk, job_id=job.pk)
    assert "not taking invitations" in exc.value.message
    services.invitations_set(actor=contractor, enabled=True)
    services.invitation_send(actor=homeowner, contractor_id=contractor.pk, job_id=job.pk)


def test_invitations_are_rate_limited(homeowner):
    job = JobFactory(homeowner=homeowner)
    for _ in range(services.MAX_INVITATIONS_PER_DAY):
        services.invitation_send(actor=homeowner, contractor_id=ContractorFactory().pk, job_id=job.pk)
    with pytest.raises(RateLimited) as exc:
        services.invitation_send(actor=homeowner, contractor_id=ContractorFactory().pk, job_id=job.pk)
    assert exc.value.code == "rate_limited" and 0 < exc.value.retry_after <= 24 * 3600
    assert Invitation.objects.count() == services.MAX_INVITATIONS_PER_DAY


def test_invite_from_the_profile(client, homeowner, contractor):
    job = JobFactory(homeowner=homeowner, title="New deck")
    profile_url = reverse("directory:profile", args=[contractor.pk])
    invite_url = reverse("directory:invite", args=[contractor.pk])
    assert client.post(invite_url, {"job": job.pk}).status_code == 302 and not Invitation.objects.exists()  # login
    client.force_login(homeowner)
    assert "Send invitation" in client.get(profile_url).content.decode()
    response = client.post(invite_url, {"job": job.pk}, follow=True)
    assert "Invitation sent." in response.content.decode()
    assert Invitation.objects.filter(job=job, contractor=contractor).exists()


def test_contractor_turns_invitations_off_on_their_profile(client, contractor):
    client.force_login(contractor)
    assert "Homeowners may invite me" in client.get(reverse("directory:profile", args=[contractor.pk])).content.decode()
    client.post(reverse("directory:invitation_settings"), {})
    assert not services.invitations_enabled(contractor)
