"""The anonymous page cache (core.cache.anonymous_page_cache on the board and job pages):
signed-out visitors share a page, nobody else ever gets one, and changes show at once."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from bids.tests.factories import BidFactory
from jobs import cards
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


def test_a_question_on_one_job_leaves_other_pages_cached(homeowner):
    asked, other = JobFactory(homeowner=homeowner), JobFactory()
    for url in ("/jobs/", f"/jobs/{asked.pk}/", f"/jobs/{other.pk}/"):
        _anonymous(url)
    Question.objects.create(job=asked, asked_by=homeowner, body="Parking?", answer="In the driveway")
    fresh = _anonymous(f"/jobs/{asked.pk}/")
    assert fresh["X-Page-Cache"] == "miss" and "In the driveway" in fresh.content.decode()
    assert _anonymous(f"/jobs/{other.pk}/")["X-Page-Cache"] == "hit"
    assert _anonymous("/jobs/")["X-Page-Cache"] == "hit"  # the board shows no Q&A


def test_a_visitor_with_a_pending_message_gets_a_fresh_page(client):
    JobFactory()
    _anonymous("/jobs/")
    client.cookies["messages"] = "pending"
    assert "X-Page-Cache" not in client.get("/jobs/")


# --- Cached job cards (jobs/cards.py): shared for everyone, per-viewer badges never cached ---
def _card(html, title):
    """The <li> of one job card on a board page."""
    start = html.index(title)
    return html[html.rindex("<li", 0, start): html.index("</li>", start)]


def test_a_cached_card_carries_nothing_per_viewer(client, contractor):
    job = JobFactory(title="Fix the leaking kitchen tap", zip_code="78701")
    BidFactory(job=job, contractor=contractor, amount_cents=98_765)
    client.force_login(contractor)
    mine = client.get("/jobs/?zip=78701&radius=25").content.decode()
    card = _card(mine, "Fix the leaking kitchen tap")
    assert "You bid" in card and "mi away" in card

    # The fragment now in the cache is the same bytes for everyone: no badge, no distance.
    shared = cache.get(cards._key(job, None, timezone.get_current_timezone_name()))
    assert "Fix the leaking kitchen tap" in shared
    assert "You bid" not in shared and "mi away" not in shared and "987.65" not in shared

    other = Client()
    other.force_login(BidFactory().contractor)
    theirs = _card(other.get("/jobs/?sort=newest").content.decode(), "Fix the leaking kitchen tap")
    assert "You bid" not in theirs and "mi away" not in theirs and "987.65" not in theirs
    anonymous = _card(_anonymous("/jobs/?sort=newest").content.decode(), "Fix the leaking kitchen tap")
    assert "You bid" not in anonymous and "987.65" not in anonymous
    # Same shared part either way (title, budget, dates), only the badges differ.
    assert anonymous.split("<p class=\"job-excerpt\">")[1] == card.split("<p class=\"job-excerpt\">")[1]


def test_a_card_follows_edits_and_a_new_cover_photo(client, contractor):
    job = JobFactory(title="Seal the driveway")
    client.force_login(contractor)  # signed in: no page cache, only the card cache
    assert "Seal the driveway" in client.get("/jobs/").content.decode()
    job.title = "Seal and stripe the driveway"
    job.save()
    html = client.get("/jobs/").content.decode()
    assert "Seal and stripe the driveway" in html
    assert f"/jobs/{job.pk}/photos/" not in html  # no photo yet: the letter placeholder
    photo = job.photos.create(image=f"jobs/{job.pk}/x.jpg", content_type="image/jpeg", width=64, height=48)
    assert f"/jobs/{job.pk}/photos/{photo.pk}/" in client.get("/jobs/").content.decode()


def test_cached_cards_cost_no_extra_queries(client, contractor, django_assert_max_num_queries):
    for n in range(25):
        JobFactory(title=f"Job number {n}")
    client.force_login(contractor)
    client.get("/jobs/?sort=newest")  # cards rendered and cached
    with django_assert_max_num_queries(12):
        html = client.get("/jobs/?sort=newest").content.decode()
    assert html.count('class="card job-card"') == 20


def test_drafts_leave_the_board_cached_new_jobs_reach_it_within_the_grace_and_leaving_it_is_at_once(
        client, homeowner):
    """A draft is on no public page: writing one (most partner API job writes) keeps the
    board's cached pages. A job joining the board reaches signed-out visitors within
    ADDITIONS_GRACE_SECONDS (its owner and everyone signed in see it at once); a job leaving
    the board, here going back to draft when its deadline passes without bids, leaves at once."""
    import time
    from datetime import timedelta
    from unittest import mock

    from jobs import services
    from jobs.signals import ADDITIONS_GRACE_SECONDS

    _anonymous("/jobs/")
    draft = JobFactory(homeowner=homeowner, title="Insulate the attic", status="draft", published_at=None)
    draft.description = "Blown-in cellulose, about 900 square feet."
    draft.save()
    assert _anonymous("/jobs/")["X-Page-Cache"] == "hit"

    services.job_publish(actor=homeowner, job=draft)
    within = _anonymous("/jobs/")
    assert within["X-Page-Cache"] == "hit" and "Insulate the attic" not in within.content.decode()
    client.force_login(homeowner)
    assert "Insulate the attic" in client.get("/jobs/").content.decode()  # signed in: never a cached page
    assert "Insulate the attic" in _anonymous(f"/jobs/{draft.pk}/").content.decode()  # its own page at once
    later = time.time_ns() + (ADDITIONS_GRACE_SECONDS + 1) * 1_000_000_000
    with mock.patch("core.cache.time.time_ns", return_value=later):
        board = _anonymous("/jobs/")
    assert board["X-Page-Cache"] == "miss" and "Insulate the attic" in board.content.decode()

    type(draft).objects.filter(pk=draft.pk).update(bidding_deadline=timezone.now() - timedelta(minutes=1))
    assert "Insulate the attic" in _anonymous("/jobs/").content.decode()  # still listed, from the cache
    assert services.jobs_close_overdue()["no_bids"] == 1
    board = _anonymous("/jobs/")
    assert board["X-Page-Cache"] == "miss" and "Insulate the attic" not in board.content.decode()


def test_a_removed_photo_leaves_the_cached_board_at_once(homeowner):
    from jobs import services

    from .images import upload

    job = JobFactory(homeowner=homeowner, title="Replace the porch light")
    photo = services.photo_add(actor=homeowner, job=job, image=upload())
    assert f"/jobs/{job.pk}/photos/{photo.pk}/" in _anonymous("/jobs/").content.decode()
    services.photo_remove(actor=homeowner, photo=photo)
    board = _anonymous("/jobs/")
    assert board["X-Page-Cache"] == "miss" and f"/photos/{photo.pk}/" not in board.content.decode()


def test_erasing_a_homeowner_takes_their_words_off_cached_pages_at_once(homeowner):
    """Erasure clears descriptions with bulk updates (no signals): the cached copies of the
    board and of the job's page must not outlive it."""
    from jobs import privacy

    job = JobFactory(homeowner=homeowner, title="Fix the porch steps", description="Knock twice, the dog is friendly.")
    assert "the dog is friendly" in _anonymous(f"/jobs/{job.pk}/").content.decode()
    _anonymous("/jobs/")
    privacy.erase(homeowner)
    page = _anonymous(f"/jobs/{job.pk}/")
    assert page["X-Page-Cache"] == "miss" and "the dog is friendly" not in page.content.decode()
    assert _anonymous("/jobs/")["X-Page-Cache"] == "miss"
