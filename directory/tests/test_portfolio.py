import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.exceptions import ValidationFailed
from directory import services
from directory.models import PortfolioPhoto
from payments.tests.images import png_upload

pytestmark = pytest.mark.django_db


def _jpeg_with_gps():
    image = Image.new("RGB", (40, 30), (10, 120, 200))
    exif = Image.Exif()
    exif[0x8825] = {2: (30.0, 16.0, 0.0)}  # GPSInfo: latitude
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("deck.jpg", out.getvalue(), content_type="image/jpeg")


def test_photos_are_stored_without_exif_in_order(contractor):
    upload = _jpeg_with_gps()
    assert Image.open(io.BytesIO(upload.read())).getexif()  # the upload does carry EXIF
    upload.seek(0)
    first = services.portfolio_add(actor=contractor, image=upload, caption="New deck, 2025")
    second = services.portfolio_add(actor=contractor, image=png_upload(), caption="Shower")
    with first.image.open("rb") as stored:
        assert not Image.open(stored).getexif()
    services.portfolio_move_up(actor=contractor, photo_id=second.pk)
    assert list(PortfolioPhoto.objects.filter(contractor=contractor).values_list("caption", flat=True)) == [
        "Shower", "New deck, 2025"]
    services.portfolio_remove(actor=contractor, photo_id=second.pk)
    assert list(PortfolioPhoto.objects.values_list("position", flat=True)) == [1]


def test_portfolio_holds_thirty(contractor):
    PortfolioPhoto.objects.bulk_create(PortfolioPhoto(contractor=contractor, image=f"portfolio/x{i}.png",
                                                      content_type="image/png", position=i + 1) for i in range(30))
    with pytest.raises(ValidationFailed) as exc:
        services.portfolio_add(actor=contractor, image=png_upload())
    assert "up to 30" in exc.value.message


def test_not_an_image_is_refused(contractor):
    with pytest.raises(ValidationFailed):
        services.portfolio_add(actor=contractor, image=SimpleUploadedFile("x.jpg", b"%PDF-1.4 nope"))
    assert not PortfolioPhoto.objects.exists()


def test_contractor_manages_the_portfolio_page(client, contractor):
    client.force_login(contractor)
    response = client.post(reverse("directory:portfolio"), {"action": "add", "image": png_upload(), "caption": "Roof"},
                           follow=True)
    assert "Photo added" in response.content.decode()
    photo = PortfolioPhoto.objects.get()
    served = client.get(reverse("directory:portfolio_photo", args=[contractor.pk, photo.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
