"""The anonymous page cache (core.cache.anonymous_page_cache on the board and job pages):
signed-out visitors share a page, nobody else ever gets one, and changes show at once."""

import pytest
from django.test import Client

from bids.tests.factories import BidFactory
from jobs.models import Question

from .factories import JobFactory

pytestmark = pytest.mark.django_db


def _anonymous(url):
    response = Client().get(url)
    assert response.status_code == 200
    return response


def test_signed_out_visitors_share_a_cached_board_and_job_page():
    job = JobFactory(title="Regrout the shower tiles")
    first = _anonymous("/jobs/")
    assert first["X-Page-Cache"] == "miss" and "Regrout the shower tiles" in first.content.decode()
    second = _anonymous("/jobs/")
    assert second["X-Page-Cache"] == "hit" and second.content == first.content
    assert _anonymous(f"/jobs/{job.pk}/")["X-Page-Cache"] == "miss"
    assert _anonymous(f"/jobs/{job.pk}/")["X-Page-Cache"] == "hit"


def test_no_cached_page_leaks_one_persons_view_to_another(client, contractor, password):
    """Sealed bids above all: a bidder's own bid, the owner's bid count and the "You bid"
    badge are personal; they must never reach an anonymous visitor or another member."""
    job = JobFactory(title="Replace the garage door opener")
    bid = BidFactory(job=job, contractor=contractor, amount_cents=123_456)
    owner = job.homeowner
    _anonymous("/jobs/")  # an anonymous copy exists in the cache from now on
    _anonymous(f"/jobs/{job.pk}/")

    client.force_login(contractor)
    board = client.get("/jobs/?sort=newest")
    assert "X-Page-Cache" not in board and "You bid" in board.content.decode()
    detail = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "1,234.56" in detail  # the bidder sees their own sealed bid

    owner_client = Client()
    owner_client.force_login(owner)
    owner_page = owner_client.get(f"/jobs/{job.pk}/")
    assert "X-Page-Cache" not in owner_page and "1</strong> bid" in owner_page.content.decode()

    for url in ("/jobs/", "/jobs/?sort=newest", f"/jobs/{job.pk}/"):
        html = _anonymous(url).content.decode()
        assert "1,234.56" not in html and "You bid" not in html and "bid received" not in html, url
        assert contractor.email not in html and str(bid.pk) not in html, url

    # Another contractor (signed in) gets their own page, never the first one's.
    other = Client()
    other.force_login(BidFactory().contractor)
    html = other.get(f"/jobs/{job.pk}/").content.decode()
    assert "1,234.56" not in html and other.get("/jobs/?sort=newest").content.decode().count("You bid") == 1


def test_a_change_to_a_job_is_visible_at_once(homeowner):
    job = JobFactory(homeowner=homeowner, title="Paint the fence")
    assert "Paint the fence" in _anonymous("/jobs/").content.decode()
    _anonymous(f"/jobs/{job.pk}/")
    job.title = "Paint the fence and the gate"
    job.save()
    assert "Paint the fence and the gate" in _anonymous("/jobs/").content.decode()
    Question.objects.create(job=job, asked_by=homeowner, body="Which colour?", answer="Forest green")
    assert "Forest green" in _anonymous(f"/jobs/{job.pk}/").content.decode()


def test_a_visitor_with_a_pending_message_gets_a_fresh_page(client):
    JobFactory()
    _anonymous("/jobs/")
    client.cookies["messages"] = "pending"
    assert "X-Page-Cache" not in client.get("/jobs/")
