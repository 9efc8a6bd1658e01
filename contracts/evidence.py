"""Completion evidence is checked by content, never by name or declared type.

Images go through jobs.images.clean_image (Pillow decodes them, EXIF/GPS is stripped, the
stored file is a fresh encoding); PDFs are parsed with pypdf (core.pdfs) and may not carry
JavaScript, automatic or launch actions, or embedded files. One decode budget (pixels and
seconds, core.budget) covers every file of a submission.
"""

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile

from core.budget import DecodeBudget
from core.exceptions import ValidationFailed
from core.pdfs import UnsafePdf, inspect_pdf
from jobs.images import ImageTooLarge, clean_image

MAX_FILES = 20
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 60 * 1024 * 1024
MAX_PIXELS = 25_000_000
_PDF_REFUSALS = {
    "unreadable": "{name} is not a PDF we can read. Export it again (print it to PDF) and retry.",
    "encrypted": "{name} is password-protected. Upload a PDF without a password.",
    "active": "{name} contains scripts, automatic actions or embedded files. Upload a plain PDF (print it to PDF).",
    "too_large": "{name} is too complex to check. Print it to PDF again or split it.",
}


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


def _clean_pdf(upload, name: str, budget: DecodeBudget) -> CleanEvidence:
    upload.seek(0)
    data = upload.read()
    if not data.startswith(b"%PDF-"):
        _fail(f"{name} is not a photo or a PDF we can read.")
    try:
        inspect_pdf(data, budget)
    except UnsafePdf as refusal:
        _fail(_PDF_REFUSALS[refusal.reason].format(name=name))
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
    budget = DecodeBudget()
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
            cleaned.append(_clean_pdf(upload, name, budget))
            continue
        try:
            image = clean_image(upload, max_bytes=MAX_FILE_BYTES, max_pixels=MAX_PIXELS, field="evidence", budget=budget)
        except ImageTooLarge as exc:
            _fail(f"{name}: {exc.message}")
        except ValidationFailed:
            _fail(f"{name} is not a photo (JPEG, PNG, WebP) or a PDF we can read.")
        data = image.file.read()
        image.file.seek(0)
        cleaned.append(CleanEvidence(image.file, name, "image", image.content_type, image.size_bytes,
                                     hashlib.sha256(data).hexdigest()))
    return cleaned
