"""`Idempotency-Key` for every POST and PATCH of /api/v1/ (API.md: Idempotency).

The first request with a key claims it by inserting a row (unique per owner and key, in its
own transaction, so a concurrent request sees it at once); the response is stored on that
row. A retry with the same key and the same request gets the stored status and body back
without the work being done again; with a different request it is 422
`idempotency_key_reused`; while the first is still running, 409 `idempotency_key_in_use`.

Keys are per token (the SHA-256 of the bearer secret; session users by user id), kept for
24 hours. Responses that did no work are not kept, so the same key may be retried: 401
(bad credentials), 429 (rate limited) and 5xx (our failure, the transaction rolled back).
"""

import hashlib
import tempfile
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from .api import json_error
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255
METHODS = {"POST", "PATCH"}
NOT_STORED = {401, 429}
REPLAY_HEADER = "Idempotent-Replayed"


def _owner(request) -> str | None:
    header = request.headers.get("Authorization", "")
    parts = header.split()
    if len(parts) == 2 and parts[0].lower() == "bearer":
        # A digest of the bearer secret names the token without storing it (core may not
        # import accounts; an invalid token is refused by authentication before any work).
        return f"token:{hashlib.sha256(parts[1].encode()).hexdigest()}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _view_allows(request) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    view_class = getattr(match.func, "view_class", None)
    return view_class is not None and hasattr(view_class, request.method.lower())


def _request_hash(request) -> str:
    """Hash method, path and the exact body bytes (a retry must resend the same bytes).

    Multipart uploads can be larger than Django keeps in memory (request.body refuses them),
    so the body is streamed through the hash into a spooled file that then stands in for the
    request stream, and the upload handlers read it as if nothing happened.
    """
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\n")
    digest.update(request.get_full_path().encode())
    digest.update(b"\n")
    if request.content_type == "multipart/form-data":
        spool = tempfile.SpooledTemporaryFile(max_size=2 * 1024 * 1024)  # noqa: SIM115 -- lives as the request stream
        while chunk := request.read(64 * 1024):
            digest.update(chunk)
            spool.write(chunk)
        spool.seek(0)
        request._stream = spool
        request._read_started = False
    else:
        digest.update(request.body)
    return digest.hexdigest()


def purge_expired() -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - TTL).delete()
    return deleted


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method not in METHODS or not request.path.startswith("/api/v1/"):
            return self.get_response(request)
        if not _view_allows(request):  # unknown path or method: the 404/405 comes from the view
            return self.get_response(request)
        if not key or len(key) > MAX_KEY_LENGTH:
            return json_error(request, "validation_error", f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters.", 400)
        owner = _owner(request)
        if owner is None:  # anonymous writes (POST /auth/token/) have no owner to scope keys to
            return self.get_response(request)

        request_hash = _request_hash(request)
        claimed = self._claim(owner, key, request_hash)
        if not isinstance(claimed, IdempotencyRecord):
            return claimed
        try:
            response = self.get_response(request)
        except BaseException:
            IdempotencyRecord.objects.filter(pk=claimed.pk).delete()
            raise
        if response.status_code in NOT_STORED or response.status_code >= 500 or getattr(response, "streaming", False):
            IdempotencyRecord.objects.filter(pk=claimed.pk).delete()
            return response
        IdempotencyRecord.objects.filter(pk=claimed.pk).update(
            response_status=response.status_code,
            response_body=bytes(response.content),
            response_content_type=response.get("Content-Type", ""),
        )
        return response

    def _claim(self, owner: str, key: str, request_hash: str):
        IdempotencyRecord.objects.filter(owner=owner, key=key, created_at__lt=timezone.now() - TTL).delete()
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(owner=owner, key=key, request_hash=request_hash)
        except IntegrityError:
            pass
        existing = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
        if existing is None:  # the first request just failed and released the key: tell the caller to retry
            return json_error(None, "idempotency_key_in_use", "A request with this Idempotency-Key is in progress; retry shortly.", 409)
        if existing.request_hash != request_hash:
            return json_error(
                None, "idempotency_key_reused",
                "This Idempotency-Key was already used with a different request. Use a new key for a new request.", 422,
            )
        if existing.response_status is None:
            return json_error(None, "idempotency_key_in_use", "A request with this Idempotency-Key is in progress; retry shortly.", 409)
        from django.http import HttpResponse

        replay = HttpResponse(bytes(existing.response_body), status=existing.response_status,
                              content_type=existing.response_content_type or "application/json")
        replay[REPLAY_HEADER] = "true"
        return replay
