"""Uploaded images are checked by content, not by name, and re-encoded without metadata."""

import io
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from core.budget import BudgetExceeded, DecodeBudget
from core.exceptions import ValidationFailed

FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}


@dataclass
class CleanImage:
    file: ContentFile
    content_type: str
    width: int
    height: int
    size_bytes: int


class ImageTooLarge(ValidationFailed):
    """Too many pixels for one image or for the request's decode budget."""


def _fail(message: str, field: str, error=ValidationFailed):
    raise error(message, fields={field: [message]})


BUDGET_MESSAGE = "These files are too large to check in one go. Upload fewer or smaller photos at a time."


def clean_image(upload, *, max_bytes: int, max_pixels: int, field: str = "image",
                budget: DecodeBudget | None = None, max_side: int | None = None) -> CleanImage:
    """Validate an uploaded file and return a re-encoded copy with EXIF (GPS etc.) removed,
    scaled down (never up) to fit `max_side` pixels a side when given.

    The size in pixels is read from the header and checked (per image, then against the
    request's `budget`) before a single pixel is decoded: decoding is what costs."""
    budget = budget or DecodeBudget()
    if upload is None:
        _fail("Choose an image to upload.", field)
    size = getattr(upload, "size", None) or 0
    if size > max_bytes:
        _fail(f"Images can be at most {max_bytes // (1024 * 1024)} MB.", field)
    if size == 0:
        _fail("The file is empty.", field)
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns (and past 2x errors) on huge images; we enforce our own, lower cap.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in FORMATS:
                _fail("Upload a JPEG, PNG or WebP image.", field)
            width, height = image.size
            if width * height > max_pixels:
                _fail(
                    f"Images can be at most {max_pixels // 1_000_000} megapixels "
                    f"(this one is {width}x{height}). Choose a smaller size when exporting.", field, ImageTooLarge,
                )
            budget.check_time()
            budget.spend_pixels(width * height)
            image.load()
    except ValidationFailed:
        raise
    except BudgetExceeded:
        _fail(BUDGET_MESSAGE, field, ImageTooLarge)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError, SyntaxError, ValueError):
        _fail("That file is not a JPEG, PNG or WebP image we can read.", field)

    fmt = image.format
    content_type, extension = FORMATS[fmt]
    # Apply the EXIF orientation to the pixels, then write a fresh file that carries no
    # EXIF/XMP/ICC text at all: phone photos embed the GPS position of the house.
    image = ImageOps.exif_transpose(image)
    if max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=88)
    data = out.getvalue()
    return CleanImage(
        file=ContentFile(data, name=f"photo{extension}"),
        content_type=content_type,
        width=image.width,
        height=image.height,
        size_bytes=len(data),
    )
