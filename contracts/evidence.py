"""Completion evidence is checked by content, never by name or declared type.

Images go through jobs.images.clean_image (Pillow decodes them, EXIF/GPS is stripped, the
stored file is a fresh encoding); PDFs must start with the PDF magic bytes and end with
an end-of-file marker, and may not carry JavaScript, launch actions or embedded files.
"""

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile

from core.exceptions import ValidationFailed
from jobs.images import clean_image

MAX_FILES = 20
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 60 * 1024 * 1024
MAX_PIXELS = 40_000_000
PDF_FORBIDDEN = (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/EmbeddedFile")


@dataclass
class CleanEvidence:
    file: ContentFile
    original_name: str
    kind: str
    content_type: str
    size_bytes: int
    sha256: str


def _fail(message: str):
    raise ValidationFailed(message, fields={"evidence": [message]})


def _clean_pdf(upload, name: str) -> CleanEvidence:
    upload.seek(0)
    data = upload.read()
    if not data.startswith(b"%PDF-"):
        _fail(f"{name} is not a photo or a PDF we can read.")
    if b"%%EOF" not in data[-2048:]:
        _fail(f"{name} looks like an incomplete PDF. Export it again and retry.")
    if any(marker in data for marker in PDF_FORBIDDEN):
        _fail(f"{name} contains scripts or embedded files. Upload a plain PDF (print it to PDF).")
    return CleanEvidence(ContentFile(data, name="evidence.pdf"), name, "pdf", "application/pdf", len(data),
                         hashlib.sha256(data).hexdigest())


def clean_evidence(files) -> list[CleanEvidence]:
    files = [f for f in (files or []) if f is not None]
    if not files:
        _fail("Add at least one photo or PDF showing the finished work.")
    if len(files) > MAX_FILES:
        _fail(f"Upload at most {MAX_FILES} files per submission.")
    if sum(getattr(f, "size", 0) or 0 for f in files) > MAX_TOTAL_BYTES:
        _fail(f"All files together can be at most {MAX_TOTAL_BYTES // (1024 * 1024)} MB.")
    cleaned = []
    for upload in files:
        name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
        size = getattr(upload, "size", 0) or 0
        if size == 0:
            _fail(f"{name} is empty.")
        if size > MAX_FILE_BYTES:
            _fail(f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
        upload.seek(0)
        head = upload.read(5)
        if head == b"%PDF-":
            cleaned.append(_clean_pdf(upload, name))
            continue
        try:
            image = clean_image(upload, max_bytes=MAX_FILE_BYTES, max_pixels=MAX_PIXELS, field="evidence")
        except ValidationFailed:
            _fail(f"{name} is not a photo (JPEG, PNG, WebP) or a PDF we can read.")
        data = image.file.read()
        image.file.seek(0)
        cleaned.append(CleanEvidence(image.file, name, "image", image.content_type, image.size_bytes,
                                     hashlib.sha256(data).hexdigest()))
    return cleaned
