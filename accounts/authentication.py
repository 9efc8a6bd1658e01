"""Bearer tokens for the partner API (API.md: Auth)."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions

from . import scopes
from .models import ApiToken
from .tokens import hash_token

# Writing last_used_at on every request would turn reads into writes; a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class InsufficientScope(exceptions.PermissionDenied):
    def __init__(self, scope: str):
        super().__init__({"code": "insufficient_scope", "message": f"This token lacks the '{scope}' scope."})
        self.scope = scope


def check_scope(request, token) -> None:
    """Refuse a call outside the token's scopes (accounts.scopes.ROUTE_SCOPES), before any work.

    Runs during authentication because that is the one hook every DRF view passes through,
    whatever permission classes it declares; the route is known by then (URL resolution
    precedes the view)."""
    if not request._request.path.startswith("/api/v1/"):
        return  # the schema and docs (/api/schema/, /api/docs/) are public
    match = getattr(request._request, "resolver_match", None)
    needed = scopes.required_scope(match.url_name if match else None, request.method)
    if needed is scopes.UNLISTED:
        raise exceptions.PermissionDenied({"code": "insufficient_scope", "message": "This endpoint is not open to API tokens."})
    if needed is not None and not token.has_scope(needed):
        raise InsufficientScope(needed)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if parts[0].lower() != self.keyword.lower():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header: use 'Bearer <token>'.")
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(parts[1]), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        now = timezone.now()
        if token.is_expired(now):
            raise exceptions.AuthenticationFailed("This token has expired.")
        check_scope(request, token)
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
