"""Evidence files are checked by parsing them (issue 12): PDFs with pypdf, so escaped names,
hex strings and compressed object streams cannot hide JavaScript; images against a pixel
and time budget read from the header before decoding."""

import functools
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from contracts.evidence import clean_evidence
from contracts.tests import pdfs
from core.budget import DecodeBudget
from core.exceptions import ValidationFailed
from core.pdfs import UnsafePdf, inspect_pdf
from jobs.images import ImageTooLarge, clean_image
from payments.tests.images import PDF, png_upload

JS_ACTION = b"<< /S /JavaScript /JS (app.alert(document.cookie)) >>"
NAMES_JS = b"<< /Type /Catalog /Pages 2 0 R /Names 5 0 R >>"

HOSTILE = {
    # The bypasses of the byte filter, one per way of writing the same thing.
    "name escape": pdfs.build_pdf(catalog=NAMES_JS, extra={5: b"<< /Java#53cript 6 0 R >>", 6: b"<< /Names [(a) 7 0 R] >>",
                                                           7: b"<< /S /Java#53cript /#4a#53 (app.alert(1)) >>"}),
    "hex string": pdfs.build_pdf(catalog=NAMES_JS, extra={5: b"<< /JavaScript 6 0 R >>", 6: b"<< /Names [(a) 7 0 R] >>",
                                                          7: b"<< /S /JavaScript /JS <6170702e616c657274283129> >>"}),
    "object stream": pdfs.build_pdf(catalog=NAMES_JS, compressed={5: b"<< /JavaScript 6 0 R >>", 6: b"<< /Names [(a) 7 0 R] >>",
                                                                  7: JS_ACTION}),
    "open action": pdfs.build_pdf(catalog=b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>",
                                  compressed={5: b"<< /S /URI /URI (https://evil.example/) >>"}),
    "page additional action": pdfs.build_pdf(
        page=b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /A#41 << /O 5 0 R >> >>",
        extra={5: b"<< /S /Named /N /Print >>"}),
    "launch": pdfs.build_pdf(extra={5: b"<< /S /L#61unch /F (C:\\\\Windows\\\\System32\\\\cmd.exe) >>"}),
    "embedded file": pdfs.build_pdf(catalog=b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 5 0 R >> >>",
                                    compressed={5: b"<< /Names [(x.exe) 6 0 R] >>", 6: b"<< /Type /Filespec /F (x.exe) /EF << /F 7 0 R >> >>"}),
    "unreachable object": pdfs.build_pdf(compressed={9: JS_ACTION}),
}


@pytest.mark.parametrize("label", list(HOSTILE))
def test_hostile_pdfs_are_refused(label):
    data = HOSTILE[label]
    with pytest.raises(UnsafePdf) as refused:
        inspect_pdf(data)
    assert refused.value.reason == "active"
    with pytest.raises(ValidationFailed, match="scripts, automatic actions or embedded files"):
        clean_evidence([SimpleUploadedFile("invoice.pdf", data, content_type="application/pdf")])


def test_the_old_byte_filter_missed_them():
    # What made these dangerous: none carries the literal bytes the old check looked for.
    for label in ("name escape", "object stream"):
        assert b"/JavaScript" not in HOSTILE[label] and b"/JS " not in HOSTILE[label] and b"/JS(" not in HOSTILE[label]


@pytest.mark.parametrize("data", [
    pdfs.build_pdf(),
    pdfs.build_pdf(catalog=b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>"),  # opens at a page: fine
    pdfs.build_pdf(extra={5: b"<< /Type /Annot /Subtype /Link /A << /S /URI /URI (https://example.com/) >> >>"}),
    PDF,
])
def test_plain_pdfs_pass(data):
    assert inspect_pdf(data) == 1
    [clean] = clean_evidence([SimpleUploadedFile("invoice.pdf", data, content_type="application/pdf")])
    assert clean.kind == "pdf" and clean.size_bytes == len(data)


@pytest.mark.parametrize(("data", "message"), [
    (b"%PDF-1.7\nnot really\n%%EOF", "not a PDF we can read"),
    (pdfs.build_pdf()[:-40], "not a PDF we can read"),
])
def test_broken_pdfs_get_a_clear_message(data, message):
    with pytest.raises(ValidationFailed, match=message):
        clean_evidence([SimpleUploadedFile("scan.pdf", data, content_type="application/pdf")])


def _zero_png(width, height) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("1", (width, height), 0).save(out, "PNG", optimize=True)
    return SimpleUploadedFile("zeros.png", out.getvalue(), content_type="image/png")


def test_a_40_megapixel_zero_image_is_refused_before_decoding():
    bomb = _zero_png(6300, 6300)
    assert bomb.size < 200_000  # tiny on the wire
    started = time.monotonic()
    with pytest.raises(ValidationFailed, match="at most 25 megapixels"):
        clean_evidence([bomb])
    assert time.monotonic() - started < 0.5


def test_pixels_are_budgeted_per_request():
    budget = DecodeBudget(pixels=5_000)
    clean_image(png_upload(), max_bytes=10**7, max_pixels=10**7, budget=budget)  # 64x48 = 3,072 pixels
    with pytest.raises(ImageTooLarge, match="too large to check in one go"):
        clean_image(png_upload(), max_bytes=10**7, max_pixels=10**7, budget=budget)


def test_time_is_budgeted_per_request():
    budget = DecodeBudget(seconds=0)
    time.sleep(0.001)
    with pytest.raises(ImageTooLarge):
        clean_image(png_upload(), max_bytes=10**7, max_pixels=10**7, budget=budget)


def test_one_submission_shares_one_budget(monkeypatch):
    # 10,000 pixels for the request: three 64x48 photos fit, a fourth does not.
    monkeypatch.setattr("contracts.evidence.DecodeBudget", functools.partial(DecodeBudget, pixels=10_000))
    assert len(clean_evidence([png_upload(), png_upload(), png_upload()])) == 3
    with pytest.raises(ValidationFailed, match="after.png: These files are too large to check in one go"):
        clean_evidence([png_upload(), png_upload(), png_upload(), png_upload()])
