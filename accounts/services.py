"""Every write to accounts goes through here (web, API, admin, commands)."""

from django.db import transaction
from django.utils import timezone

import audit
from core.exceptions import InvalidState, ValidationFailed

from . import scopes as token_scopes
from .models import ApiToken, ContractorProfile, HomeownerProfile, User
from .tokens import generate_token, hash_token

MAX_ACTIVE_TOKENS = 20


def user_update_profile(*, actor: User, full_name: str, request=None) -> User:
    full_name = full_name.strip()
    if not full_name:
        raise ValidationFailed("Enter your full name.", fields={"full_name": ["This field is required."]})
    actor.full_name = full_name
    actor.save(update_fields=["full_name"])
    audit.record(actor, "account.profile_updated", actor, request)
    return actor


@transaction.atomic
def homeowner_profile_save(*, actor: User, zip_code: str, request=None) -> HomeownerProfile:
    if not actor.is_homeowner:
        raise InvalidState("Only homeowner accounts have a homeowner profile.")
    profile, created = HomeownerProfile.objects.update_or_create(user=actor, defaults={"zip_code": zip_code})
    audit.record(actor, "account.onboarded" if created else "account.profile_updated", profile, request)
    return profile


@transaction.atomic
def contractor_profile_save(*, actor: User, trades, request=None, **fields) -> ContractorProfile:
    if not actor.is_contractor:
        raise InvalidState("Only contractor accounts have a contractor profile.")
    allowed = {
        "business_name", "zip_code", "service_radius_miles", "license_number", "license_state",
        "license_expires_on", "insurance_expires_on", "years_in_business", "bio",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationFailed(f"Unknown profile fields: {', '.join(sorted(unknown))}.")
    profile, created = ContractorProfile.objects.update_or_create(user=actor, defaults=fields)
    profile.trades.set(trades)
    audit.record(actor, "account.onboarded" if created else "account.profile_updated", profile, request)
    return profile


@transaction.atomic
def api_token_create(
    *, actor: User, name: str, scopes: list[str] | None = None, expires_at=None, request=None
) -> tuple[ApiToken, str]:
    """Returns the token row and the raw secret, which is shown once and never stored.

    `scopes` None: the role's defaults (money movement off). A scope the role cannot use is
    refused rather than silently dropped, so a partner learns at once why a call would fail."""
    name = (name or "").strip() or "API token"
    if len(name) > 80:
        raise ValidationFailed("Token names are at most 80 characters.", fields={"name": ["Too long."]})
    if scopes is None:
        scopes = token_scopes.default_scopes(actor.role, staff=actor.is_staff)
    allowed = token_scopes.role_scopes(actor.role, staff=actor.is_staff)
    unknown = [s for s in scopes if s not in allowed]
    if unknown:
        raise ValidationFailed(
            f"Scopes not available to your account: {', '.join(sorted(unknown))}.", fields={"scopes": [f"Not available: {s}" for s in unknown]}
        )
    if not scopes:
        raise ValidationFailed("Choose at least one scope.", fields={"scopes": ["Choose at least one scope."]})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed("The expiry must be in the future.", fields={"expires_at": ["Must be in the future."]})
    # Lock the user row so two parallel requests cannot both pass the cap.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise InvalidState(f"You already have {MAX_ACTIVE_TOKENS} active tokens; revoke one first.")
    raw = generate_token()
    ordered = [s for s in token_scopes.ALL_SCOPES if s in set(scopes)]
    token = ApiToken.objects.create(
        user=actor, name=name, prefix=raw[:10], key_hash=hash_token(raw), scopes=ordered, expires_at=expires_at
    )
    audit.record(actor, "api_token.created", token, request, name=name, scopes=ordered,
                 expires_at=expires_at.isoformat() if expires_at else None)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken, request=None) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk and not actor.is_staff:
        raise InvalidState("This token belongs to someone else.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(actor, "api_token.revoked", token, request)
    return token
