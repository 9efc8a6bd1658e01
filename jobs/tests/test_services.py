from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from audit.models import AuditLog
from bids.models import Bid
from bids.tests.factories import BidFactory
from contracts import services as contract_services
from contracts.models import Contract, Milestone
from contracts.tests.factories import contract_for
from core.exceptions import InvalidState, PermissionDenied, ValidationFailed
from jobs import services
from jobs.models import Job, JobPhoto
from jobs.rules import end_of_day
from jobs.tests.factories import JobFactory, category
from jobs.tests.images import FAKE_PDF, upload

pytestmark = pytest.mark.django_db


def job_data(**overrides):
    today = timezone.localdate()
    data = {
        "title": "Replace water heater",
        "description": "Gas water heater in the garage leaks at the base; replace with 50 gallon.",
        "category": category("plumbing"),
        "zip_code": "78704",
        "budget_min_cents": 100_000,
        "budget_max_cents": 250_000,
        "desired_start": today + timedelta(days=10),
        "bidding_deadline": end_of_day(today + timedelta(days=7)),
    }
    return data | overrides


def test_create_derives_place_and_audits(homeowner):
    job = services.job_create(actor=homeowner, publish=True, **job_data())
    assert (job.status, job.city, job.state) == (Job.Status.OPEN, "Austin", "TX")
    assert 30 < job.latitude < 31 and -98 < job.longitude < -97
    assert AuditLog.objects.filter(action="job.published", target_id=str(job.pk)).exists()


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"budget_min_cents": 300_000}, "budget_max_cents"),
        ({"budget_min_cents": 0}, "budget_min_cents"),
        ({"budget_max_cents": 100_000_001}, "budget_max_cents"),
        ({"zip_code": "99999"}, "zip_code"),
        ({"zip_code": "abc"}, "zip_code"),
        ({"bidding_deadline": timezone.now() - timedelta(hours=1)}, "bidding_deadline"),
        ({"bidding_deadline": timezone.now() + timedelta(days=40)}, "bidding_deadline"),
        ({"desired_start": timezone.localdate() - timedelta(days=1)}, "desired_start"),
        ({"title": "x"}, "title"),
        ({"category": "no-such-trade"}, "category"),
    ],
)
def test_create_rejects_bad_input(homeowner, override, field):
    with pytest.raises(ValidationFailed) as exc:
        services.job_create(actor=homeowner, **job_data(**override))
    assert field in exc.value.fields
    assert not Job.objects.exists()


def test_contractor_cannot_post(contractor):
    with pytest.raises(PermissionDenied):
        services.job_create(actor=contractor, **job_data())


def test_edit_rules(homeowner, contractor):
    job = services.job_create(actor=homeowner, publish=True, **job_data())
    services.job_update(actor=homeowner, job=job, title="Replace gas water heater")
    BidFactory(job=job, contractor=contractor)
    with pytest.raises(InvalidState):
        services.job_update(actor=homeowner, job=job, title="Something else entirely")


def test_close_bidding_needs_a_bid(homeowner, contractor):
    job = JobFactory(homeowner=homeowner)
    with pytest.raises(InvalidState):
        services.job_close_bidding(actor=homeowner, job=job)
    BidFactory(job=job, contractor=contractor)
    job = services.job_close_bidding(actor=homeowner, job=job)
    assert job.status == Job.Status.REVIEWING and job.bidding_closed_at


def test_overdue_jobs_close_by_themselves(homeowner, contractor):
    past = timezone.now() - timedelta(minutes=5)
    with_bids = JobFactory(homeowner=homeowner, bidding_deadline=past)
    BidFactory(job=with_bids, contractor=contractor)
    without = JobFactory(homeowner=homeowner, bidding_deadline=past)
    future = JobFactory(homeowner=homeowner)
    assert services.jobs_close_overdue() == {"reviewing": 1, "no_bids": 1}
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert statuses[with_bids.pk] == Job.Status.REVIEWING
    assert statuses[without.pk] == Job.Status.DRAFT
    assert statuses[future.pk] == Job.Status.OPEN
    assert services.jobs_close_overdue() == {"reviewing": 0, "no_bids": 0}


def test_cancel_awarded_before_funding_cancels_contract(homeowner):
    contract = contract_for(homeowner=homeowner)
    contract_services.job_cancel(actor=homeowner, job=contract.job)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.CANCELLED
    assert contract.job.__class__.objects.get(pk=contract.job_id).status == Job.Status.CANCELLED
    assert Bid.objects.get(pk=contract.bid_id).status == Bid.Status.NOT_SELECTED


def test_cancel_refused_once_funded(homeowner):
    contract = contract_for(homeowner=homeowner)
    Milestone.objects.filter(contract=contract, position=1).update(status=Milestone.Status.FUNDED)
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.ACTIVE)
    with pytest.raises(InvalidState):
        contract_services.job_cancel(actor=homeowner, job=contract.job)


def test_other_homeowner_cannot_cancel(homeowner, other_homeowner):
    with pytest.raises(PermissionDenied):
        contract_services.job_cancel(actor=other_homeowner, job=JobFactory(homeowner=homeowner))


# --- Photos -------------------------------------------------------------------------------
def test_photo_is_reencoded_without_exif(homeowner):
    job = JobFactory(homeowner=homeowner)
    photo = services.photo_add(actor=homeowner, job=job, image=upload(exif_gps=True))
    assert photo.content_type == "image/jpeg" and (photo.width, photo.height) == (64, 48)
    with photo.image.open("rb") as handle:
        stored = Image.open(handle)
        assert not stored.getexif()  # no GPS, no camera make
    assert photo.image.name.startswith(f"jobs/{job.pk}/") and "photo" not in photo.image.name


@pytest.mark.parametrize("fmt,ctype,name", [("PNG", "image/png", "p.png"), ("WEBP", "image/webp", "w.webp")])
def test_png_and_webp_accepted(homeowner, fmt, ctype, name):
    photo = services.photo_add(actor=homeowner, job=JobFactory(homeowner=homeowner), image=upload(name, fmt, ctype))
    assert photo.content_type == ctype


def test_fake_image_rejected(homeowner):
    fake = SimpleUploadedFile("house.jpg", FAKE_PDF, content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as exc:
        services.photo_add(actor=homeowner, job=JobFactory(homeowner=homeowner), image=fake)
    assert "image" in exc.value.fields
    assert not JobPhoto.objects.exists()


def test_gif_rejected(homeowner):
    with pytest.raises(ValidationFailed):
        services.photo_add(actor=homeowner, job=JobFactory(homeowner=homeowner), image=upload("a.gif", "GIF", "image/gif"))


def test_oversized_file_rejected(homeowner):
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (10 * 1024 * 1024 + 1), content_type="image/jpeg")
    with pytest.raises(ValidationFailed, match="10 MB"):
        services.photo_add(actor=homeowner, job=JobFactory(homeowner=homeowner), image=big)


def test_pixel_cap(homeowner, monkeypatch):
    monkeypatch.setattr(JobPhoto, "MAX_PIXELS", 1000)
    with pytest.raises(ValidationFailed, match="megapixels"):
        services.photo_add(actor=homeowner, job=JobFactory(homeowner=homeowner), image=upload(size=(100, 100)))


def test_at_most_ten_photos(homeowner, other_homeowner):
    job = JobFactory(homeowner=homeowner)
    for _ in range(10):
        services.photo_add(actor=homeowner, job=job, image=upload())
    with pytest.raises(InvalidState):
        services.photo_add(actor=homeowner, job=job, image=upload())
    with pytest.raises(PermissionDenied):
        services.photo_add(actor=other_homeowner, job=JobFactory(homeowner=homeowner), image=upload())


# --- Questions ----------------------------------------------------------------------------
def test_questions(homeowner, contractor, other_homeowner):
    job = JobFactory(homeowner=homeowner)
    question = services.question_ask(actor=contractor, job=job, body="Is the attic accessible?")
    with pytest.raises(PermissionDenied):
        services.question_ask(actor=other_homeowner, job=job, body="Can I ask too?")
    with pytest.raises(PermissionDenied):
        services.question_answer(actor=other_homeowner, question=question, answer="Yes")
    services.question_answer(actor=homeowner, question=question, answer="Yes, pull-down ladder in the hall.")
    question.refresh_from_db()
    assert question.answered_at and question.answer.startswith("Yes")
