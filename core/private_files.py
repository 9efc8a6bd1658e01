"""Private uploads (completion evidence, message attachments) behind per-viewer links.

A link carries a signature over (file id, viewer id) with a timestamp: it expires, and it
only works for the person it was made for (a forwarded link is a 404 for anyone else).
Permission is still checked by the caller's selector on every request; the signature only
keeps a leaked URL from being useful. S3 storage answers with a short-lived presigned URL;
local storage streams the bytes with a sandboxing CSP.
"""

from django.core import signing
from django.http import FileResponse, Http404, HttpResponseRedirect

LINK_SECONDS = 600
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}


def link_token(salt: str, file_id, user_id) -> str:
    return signing.TimestampSigner(salt=salt).sign(f"{file_id}.{user_id}").split(":", 1)[1]


def check_link(salt: str, file_id, user_id, token: str, *, max_age: int = LINK_SECONDS) -> None:
    try:
        signing.TimestampSigner(salt=salt).unsign(f"{file_id}.{user_id}:{token}", max_age=max_age)
    except signing.BadSignature as exc:
        raise Http404("This link has expired. Reload the page.") from exc


def serve(field_file, *, content_type: str, kind: str, stem: str):
    storage = field_file.storage
    if hasattr(storage, "bucket_name"):
        return HttpResponseRedirect(storage.url(field_file.name))  # S3: a short-lived presigned URL
    response = FileResponse(field_file.open("rb"), content_type=content_type)
    disposition = "inline" if kind == "image" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{stem}{EXTENSIONS.get(content_type, "")}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
