"""Review endpoints/pages: permission tables, the directory's filters, pinned query counts."""

import pytest
from django.urls import reverse

from accounts.tests.factories import ContractorFactory
from reviews import services

from .helpers import completed_contract

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "homeowner", "contractor", "other_homeowner", "other_contractor", "staff"]


@pytest.fixture
def people(homeowner, contractor, other_homeowner, other_contractor, staff_user):
    return {"anonymous": None, "homeowner": homeowner, "contractor": contractor, "other_homeowner": other_homeowner,
            "other_contractor": other_contractor, "staff": staff_user}


@pytest.mark.parametrize("role, expected", [("anonymous", 401), ("homeowner", 201), ("contractor", 201),
                                            ("other_homeowner", 404), ("other_contractor", 404), ("staff", 403)])
def test_post_review_permissions(done, people, api_client, api_as, role, expected):
    user = people[role]
    client = api_as(user) if user else api_client
    response = client.post(f"/api/v1/contracts/{done.pk}/reviews/", {"rating": 5, "body": "Good."}, format="json")
    assert response.status_code == expected, response.content
    if expected == 201:
        assert response.json()["published_at"] is None  # hidden until the other one is in


@pytest.mark.parametrize("body, field", [({"rating": 0, "body": "x"}, "rating"), ({"rating": 6, "body": "x"}, "rating"),
                                         ({"rating": 3}, "body"), ({"rating": "five", "body": "x"}, "rating")])
def test_post_review_validation(done, api_as, body, field):
    response = api_as(done.homeowner).post(f"/api/v1/contracts/{done.pk}/reviews/", body, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"]


def test_post_review_twice_conflict(done, api_as):
    api = api_as(done.homeowner)
    assert api.post(f"/api/v1/contracts/{done.pk}/reviews/", {"rating": 4, "body": "ok"}, format="json").status_code == 201
    again = api.post(f"/api/v1/contracts/{done.pk}/reviews/", {"rating": 4, "body": "ok"}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"


@pytest.mark.parametrize("role", ROLES)
def test_user_reviews_public_and_double_blind(done, people, api_client, api_as, client, role):
    services.review_submit(actor=done.homeowner, contract_id=done.pk, rating=5, body="HIDDEN-TEXT great")
    user = people[role]
    api = api_as(user) if user else api_client
    url = f"/api/v1/users/{done.contractor_id}/reviews/"
    assert api.get(url).json()["results"] == []  # nobody sees it yet, not even its subject
    if user:
        client.force_login(user)
    assert b"HIDDEN-TEXT" not in client.get(reverse("reviews:user", args=[done.contractor_id])).content
    services.review_submit(actor=done.contractor, contract_id=done.pk, rating=4, body="Fine client")
    results = api.get(url).json()["results"]
    assert [r["body"] for r in results] == ["HIDDEN-TEXT great"]
    assert results[0]["author"]["display_name"] == done.homeowner.display_name


def test_review_page_permissions(done, people, client):
    url = reverse("reviews:write", args=[done.pk])
    expected = {"homeowner": 200, "contractor": 200, "other_homeowner": 404, "other_contractor": 404, "staff": 404}
    for role, status in expected.items():
        client.force_login(people[role])
        assert client.get(url).status_code == status, role
    client.logout()
    assert client.get(url).status_code == 302


def test_hidden_review_shows_reason(done, staff_user, api_client, client):
    review = services.review_submit(actor=done.homeowner, contract_id=done.pk, rating=1, body="RUDE words")
    services.review_submit(actor=done.contractor, contract_id=done.pk, rating=5, body="ok")
    services.review_hide(actor=staff_user, review_id=review.pk, reason="Abusive language")
    result = api_client.get(f"/api/v1/users/{done.contractor_id}/reviews/").json()["results"][0]
    assert result["removed"] == "Removed by staff: Abusive language" and result["body"] is None
    page = client.get(reverse("directory:profile", args=[done.contractor_id])).content.decode()
    assert "Removed by staff: Abusive language" in page and "RUDE" not in page


def test_admin_hide_requires_reason(done, staff_user, client):
    review = services.review_submit(actor=done.homeowner, contract_id=done.pk, rating=1, body="x")
    client.force_login(staff_user)
    url = reverse("admin:reviews_review_hide", args=[review.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 200
    review.refresh_from_db()
    assert review.status == "submitted"
    assert client.post(url, {"reason": "Spam"}).status_code == 302
    review.refresh_from_db()
    assert review.status == "hidden" and review.hidden_reason == "Spam"
    assert client.get(reverse("admin:reviews_review_changelist")).status_code == 200


def test_reply_and_report_pages(done, client, other_homeowner):
    from moderation.models import Report

    review = services.review_submit(actor=done.homeowner, contract_id=done.pk, rating=4, body="good")
    services.review_submit(actor=done.contractor, contract_id=done.pk, rating=5, body="good client")
    client.force_login(done.contractor)
    client.post(reverse("reviews:reply", args=[review.pk]), {"body": "Thank you!"})
    review.refresh_from_db()
    assert review.reply_body == "Thank you!"
    client.force_login(other_homeowner)
    page = client.get(reverse("reviews:user", args=[review.subject_id]))
    report_url = reverse("moderation:report", args=["review", review.pk])
    assert report_url in page.content.decode()  # the "Report review" link of the moderation app
    client.post(report_url, {"reason": "fraud", "details": "Fake"})
    assert Report.objects.get(target_kind="review", target_id=review.pk).reporter == other_homeowner


def test_profile_page_query_count_is_fixed(homeowner, contractor, simulated, client, django_assert_num_queries):
    from accounts.tests.factories import HomeownerFactory

    def one_more():
        owner = HomeownerFactory()
        contract = completed_contract(owner, contractor)
        services.review_submit(actor=owner, contract_id=contract.pk, rating=4, body="Solid work.")
        services.review_submit(actor=contractor, contract_id=contract.pk, rating=5, body="Nice client.")

    one_more()
    url = reverse("directory:profile", args=[contractor.pk])
    client.get(url)
    with django_assert_num_queries(_count(client, url)) as ctx:
        client.get(url)
    baseline = len(ctx.captured_queries)
    for _ in range(6):
        one_more()
    with django_assert_num_queries(baseline):
        page = client.get(url).content.decode()
    assert page.count('class="review"') == 5 and "4.0 / 5 from 7 reviews" in page


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def test_directory_filters(simulated, api_client, django_assert_max_num_queries):
    from jobs.models import Category

    plumbing = Category.objects.get(slug="plumbing")
    near = ContractorFactory(profile__zip_code="10001")  # Manhattan
    far = ContractorFactory(profile__zip_code="94103")  # San Francisco
    near.contractor_profile.trades.set([plumbing])
    type(near.contractor_profile).objects.filter(pk=near.contractor_profile.pk).update(rating_avg="4.50", rating_count=2)
    ids = lambda r: {row["id"] for row in r.json()["results"]}  # noqa: E731
    assert {str(near.pk), str(far.pk)} <= ids(api_client.get("/api/v1/contractors/"))
    assert ids(api_client.get("/api/v1/contractors/?category=plumbing")) == {str(near.pk)}
    assert str(near.pk) in ids(api_client.get("/api/v1/contractors/?zip=10003&radius_miles=10"))
    assert str(far.pk) not in ids(api_client.get("/api/v1/contractors/?zip=10003&radius_miles=10"))
    assert ids(api_client.get("/api/v1/contractors/?min_rating=4.5")) == {str(near.pk)}
    for bad in ("?zip=abc", "?radius_miles=5", "?zip=10001&radius_miles=0", "?min_rating=9", "?min_rating=nan"):
        response = api_client.get("/api/v1/contractors/" + bad)
        assert response.status_code == 400, bad
    detail = api_client.get(f"/api/v1/contractors/{near.pk}/").json()
    assert detail["rating_avg"] == "4.50" and detail["trades"] == [{"slug": "plumbing", "name": plumbing.name}]
    assert {"verified", "completed_jobs", "recent_reviews"} <= set(detail)
    with django_assert_max_num_queries(6):
        api_client.get("/api/v1/contractors/")
    for _ in range(5):
        ContractorFactory()
    with django_assert_max_num_queries(6):
        api_client.get("/api/v1/contractors/")
    assert api_client.get("/api/v1/contractors/00000000-0000-0000-0000-000000000000/").status_code == 404
