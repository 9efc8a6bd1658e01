"""A contractor's logo: checked by content, EXIF stripped, scaled down, shown on the profile,
directory cards and the compare page, removable; initials when there is none."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from audit.models import AuditLog
from bids.tests.factories import BidFactory
from core.exceptions import PermissionDenied, ValidationFailed
from directory import services
from directory.models import Logo
from jobs.models import Job
from jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def big_jpeg_with_gps(size=(1600, 900)):
    image = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x8825] = {2: (30.0, 16.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("logo.jpg", out.getvalue(), content_type="image/jpeg")


def test_logo_is_scaled_down_and_stripped(contractor):
    upload = big_jpeg_with_gps()
    assert Image.open(io.BytesIO(upload.read())).getexif()
    logo = services.logo_set(actor=contractor, image=upload)
    with logo.image.open("rb") as stored:
        image = Image.open(stored)
        assert image.size == (400, 225) and not image.getexif()
    assert (logo.width, logo.height, logo.content_type) == (400, 225, "image/jpeg")
    assert AuditLog.objects.filter(action="logo.set", actor=contractor).exists()


def test_small_logos_are_not_enlarged(contractor):
    out = io.BytesIO()
    Image.new("RGBA", (120, 80), (0, 0, 0, 0)).save(out, "PNG")
    logo = services.logo_set(actor=contractor, image=SimpleUploadedFile("l.png", out.getvalue()))
    assert (logo.width, logo.height, logo.content_type) == (120, 80, "image/png")


def test_not_an_image_is_refused(contractor):
    with pytest.raises(ValidationFailed) as exc:
        services.logo_set(actor=contractor, image=SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>"))
    assert exc.value.fields["logo"] and not Logo.objects.exists()


def test_only_contractors_have_a_logo(homeowner):
    with pytest.raises(PermissionDenied):
        services.logo_set(actor=homeowner, image=big_jpeg_with_gps())


def test_replacing_and_removing_delete_the_old_file(contractor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.logo_set(actor=contractor, image=big_jpeg_with_gps())
    name = first.image.name
    with django_capture_on_commit_callbacks(execute=True):
        second = services.logo_set(actor=contractor, image=big_jpeg_with_gps((300, 300)))
    assert second.pk != first.pk and not default_storage.exists(name) and Logo.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.logo_remove(actor=contractor)
    assert not Logo.objects.exists() and not default_storage.exists(second.image.name)
    services.logo_remove(actor=contractor)  # nothing to remove: no error


def test_logo_shows_everywhere_and_initials_without(client, homeowner, contractor):
    profile = contractor.contractor_profile
    profile.business_name = "Rivera Plumbing & Heating"
    profile.save()
    profile_url = reverse("directory:profile", args=[contractor.pk])
    html = client.get(profile_url).content.decode()
    assert '<span class="avatar avatar-lg avatar-initials" aria-hidden="true">RP</span>' in html

    logo = services.logo_set(actor=contractor, image=big_jpeg_with_gps())
    src = reverse("directory:logo", args=[contractor.pk, logo.pk])
    assert f'src="{src}" alt="Logo of Rivera Plumbing &amp; Heating"' in client.get(profile_url).content.decode()
    assert f'src="{src}"' in client.get(reverse("directory:directory")).content.decode()

    job = JobFactory(homeowner=homeowner, status=Job.Status.REVIEWING, bidding_closed_at=timezone.now())
    BidFactory(job=job, contractor=contractor)
    client.force_login(homeowner)
    assert f'src="{src}"' in client.get(reverse("bids:compare", args=[job.pk])).content.decode()

    served = client.get(src)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff" and "max-age=86400" in served["Cache-Control"]
    assert client.get(reverse("directory:logo", args=[homeowner.pk, logo.pk])).status_code == 404


def test_contractor_uploads_and_removes_on_the_settings_page(client, contractor, homeowner):
    url = reverse("directory:logo_settings")
    client.force_login(contractor)
    response = client.post(url, {"action": "upload", "logo": big_jpeg_with_gps()}, follow=True)
    assert "Logo saved." in response.content.decode() and Logo.objects.filter(contractor=contractor).exists()
    bad = client.post(url, {"action": "upload", "logo": SimpleUploadedFile("x.jpg", b"%PDF-1.4 nope")})
    assert bad.status_code == 200 and "not a JPEG, PNG or WebP image" in bad.content.decode()
    assert Logo.objects.filter(contractor=contractor).count() == 1
    response = client.post(url, {"action": "remove"}, follow=True)
    assert "Logo removed." in response.content.decode() and not Logo.objects.exists()
    client.force_login(homeowner)
    assert client.post(url, {"action": "upload", "logo": big_jpeg_with_gps()}).status_code == 404
    client.logout()
    assert client.post(url, {"action": "remove"}).status_code == 302 and not Logo.objects.exists()
