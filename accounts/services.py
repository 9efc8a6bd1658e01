"""Every write to accounts goes through here (web, API, admin, commands)."""

from django.db import transaction
from django.utils import timezone

import audit
from core import timezones
from core.exceptions import InvalidState, ValidationFailed

from .models import ApiToken, ContractorProfile, HomeownerProfile, User
from .tokens import generate_token, hash_token

MAX_ACTIVE_TOKENS = 20


def user_update_profile(*, actor: User, full_name: str, time_zone: str | None = None, request=None) -> User:
    full_name = full_name.strip()
    if not full_name:
        raise ValidationFailed("Enter your full name.", fields={"full_name": ["This field is required."]})
    fields = ["full_name"]
    actor.full_name = full_name
    if time_zone is not None:
        if time_zone not in timezones.VALID:
            raise ValidationFailed("Choose a time zone from the list.", fields={"time_zone": ["Unknown time zone."]})
        actor.time_zone = time_zone
        fields.append("time_zone")
    actor.save(update_fields=fields)
    audit.record(actor, "account.profile_updated", actor, request)
    return actor


def _zone_from_zip(actor: User, zip_code: str) -> None:
    """The first ZIP code sets the time zone; a zone chosen in settings is kept."""
    if not actor.time_zone:
        zone = timezones.zone_for_zip(zip_code)
        if zone:
            actor.time_zone = zone
            actor.save(update_fields=["time_zone"])


@transaction.atomic
def homeowner_profile_save(*, actor: User, zip_code: str, request=None) -> HomeownerProfile:
    if not actor.is_homeowner:
        raise InvalidState("Only homeowner accounts have a homeowner profile.")
    profile, created = HomeownerProfile.objects.update_or_create(user=actor, defaults={"zip_code": zip_code})
    _zone_from_zip(actor, zip_code)
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
    _zone_from_zip(actor, profile.zip_code)
    audit.record(actor, "account.onboarded" if created else "account.profile_updated", profile, request)
    return profile


@transaction.atomic
def api_token_create(*, actor: User, name: str, request=None) -> tuple[ApiToken, str]:
    """Returns the token row and the raw secret, which is shown once and never stored."""
    name = (name or "").strip() or "API token"
    if len(name) > 80:
        raise ValidationFailed("Token names are at most 80 characters.", fields={"name": ["Too long."]})
    # Lock the user row so two parallel requests cannot both pass the cap.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise InvalidState(f"You already have {MAX_ACTIVE_TOKENS} active tokens; revoke one first.")
    raw = generate_token()
    token = ApiToken.objects.create(user=actor, name=name, prefix=raw[:10], key_hash=hash_token(raw))
    audit.record(actor, "api_token.created", token, request, name=name)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken, request=None) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk and not actor.is_staff:
        raise InvalidState("This token belongs to someone else.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_reason = ApiToken.RevokedReason.OWNER if token.user_id == actor.pk else ApiToken.RevokedReason.STAFF
        token.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
        audit.record(actor, "api_token.revoked", token, request)
    return token


@transaction.atomic
def user_password_set(*, user: User, raw_password: str, request=None) -> list[str]:
    """A new password (changed, set or reset) revokes every API token with it: whoever knew
    the old password may have made one, and recovering the account must shut them out of
    the API too, as it does of web sessions. Returns the names of the revoked tokens (the
    security email lists them; selectors.tokens_revoked_with_password reads them later)."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # one password change at a time
    # On the caller's instance: allauth keeps the session alive from its new hash.
    user.set_password(raw_password)
    user.save()
    now = timezone.now()
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True).order_by("created_at"))
    names = [token.name for token in tokens]
    if tokens:
        ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).update(
            revoked_at=now, revoked_reason=ApiToken.RevokedReason.PASSWORD, updated_at=now)
        audit.record(user, "api_token.revoked_with_password", user, request, tokens=names)
    return names
