"""The public contractor profile (directory:profile, /contractors/<id>/) and the directory
page: what they show, to whom, and their query counts pinned."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ContractorFactory
from credentials.tests.factories import verified
from directory import services
from directory.models import ContractorStats, PortfolioPhoto
from directory.tests.test_logo import big_jpeg_with_gps
from jobs.models import Category
from jobs.tests.factories import JobFactory
from reviews import services as review_services
from reviews.tests.helpers import completed_contract

pytestmark = pytest.mark.django_db

# Signed-in homeowner: session, user, the profile (its user, logo and metrics row joined),
# trades, credentials, invitation opt-out, portfolio, the homeowner's open jobs, recent
# reviews, and base.html's header (bell count and email-suppression banner in one query).
PROFILE_QUERIES = 10
# Signed-in homeowner: session, user, the capped count, the page's ids, the page's profiles
# (user, logo and metrics row joined), trades, credentials, the trade filter's categories,
# base.html's header (banner and bell in one query).
DIRECTORY_QUERIES = 9


def test_public_contractor_profile_shows_badges(client):
    contractor = ContractorFactory(profile__license_number="TX-9", profile__license_state="TX",
                                   profile__license_expires_on="2099-01-01", profile__bio="Quality first.")
    response = client.get(reverse("directory:profile", args=[contractor.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and response.wsgi_request.path == f"/contractors/{contractor.pk}/"
    assert contractor.contractor_profile.business_name in html
    # Typed, not checked: labelled as such (a verified badge needs a credential staff verified).
    assert "License TX-9 (TX) · self-reported" in html and "Verified license" not in html
    assert "Phone verified" in html and "Quality first." in html
    assert contractor.email not in html and contractor.phone not in html


def test_profile_page_for_homeowner_is_404(client, homeowner):
    assert client.get(reverse("directory:profile", args=[homeowner.pk])).status_code == 404


def test_reviews_on_the_profile_say_hired_through_fairtradeworker(client, homeowner, contractor):
    done = completed_contract(homeowner, contractor)
    review_services.review_submit(actor=homeowner, contract_id=done.pk, rating=5, body="Tidy and on time.")
    review_services.review_submit(actor=contractor, contract_id=done.pk, rating=5, body="Clear brief.")
    html = client.get(reverse("directory:profile", args=[contractor.pk])).content.decode()
    assert "Tidy and on time." in html and html.count("Hired through FairTradeWorker") == 1
    assert "Hired through FairTradeWorker" in client.get(reverse("reviews:user", args=[contractor.pk])).content.decode()


def _photos(contractor, n):
    PortfolioPhoto.objects.bulk_create(PortfolioPhoto(contractor=contractor, image=f"portfolio/x{i}.png",
                                                      content_type="image/png", caption=f"Job {i}", position=i + 1)
                                       for i in range(n))


@pytest.mark.parametrize("photos", [1, 30])
def test_profile_query_count_is_pinned(client, homeowner, contractor, staff_user, django_assert_num_queries, photos):
    _photos(contractor, photos)
    services.logo_set(actor=contractor, image=big_jpeg_with_gps((80, 80)))
    verified(contractor, "license", staff=staff_user)
    ContractorStats.objects.create(contractor=contractor, contracts=6, contracts_disputed=0, milestones_completed=6,
                                   milestones_on_time=6, reply_samples=5, reply_median_minutes=30,
                                   computed_at=timezone.now())
    JobFactory(homeowner=homeowner)
    client.force_login(homeowner)
    with django_assert_num_queries(PROFILE_QUERIES):
        html = client.get(reverse("directory:profile", args=[contractor.pk])).content.decode()
    assert html.count('loading="lazy"') == photos and f"Job {photos - 1}" in html
    assert "Replies within an hour" in html and "Send invitation" in html


@pytest.mark.parametrize("rows", [1, 20])
def test_directory_query_count_is_pinned(client, homeowner, staff_user, django_assert_num_queries, rows):
    plumbing = Category.objects.get(slug="plumbing")
    for i in range(rows):
        user = ContractorFactory(profile__business_name=f"Contractor {i:02d}", profile__zip_code="78701")
        user.contractor_profile.trades.add(plumbing)
        verified(user, "insurance", staff=staff_user)
        services.logo_set(actor=user, image=big_jpeg_with_gps((40, 40)))
        ContractorStats.objects.create(contractor=user, contracts=5, contracts_disputed=1, computed_at=timezone.now())
    client.force_login(homeowner)
    with django_assert_num_queries(DIRECTORY_QUERIES):
        response = client.get(reverse("directory:directory"), {"zip": "78701", "radius": "50", "verified": "on"})
    html = response.content.decode()
    assert len(response.context["page"].object_list) == rows
    assert html.count('class="avatar avatar-sm"') == rows and html.count("20%") == rows
