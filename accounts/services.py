"""Every write to accounts goes through here (web, API, admin, commands)."""

from django.db import transaction
from django.utils import timezone

import audit
from core import timezones
from core.exceptions import InvalidState, PermissionDenied, ValidationFailed

from . import scopes as token_scopes
from .models import ApiToken, ContractorProfile, HomeownerProfile, User
from .tokens import generate_token, hash_token

MAX_ACTIVE_TOKENS = 20
MODERATION_REASON_MAX = 500


def require_not_suspended(actor) -> None:
    """The one check every acting service makes (bid, post or edit a job, ask, answer,
    message, review, invite): a suspended account may read, not act."""
    if actor is not None and getattr(actor, "suspended_at", None) is not None:
        raise PermissionDenied(
            f"Your account is suspended: {actor.suspension_reason} You can still read your jobs, bids and "
            "contracts, but not bid, post jobs or send messages. Reply to our email if you think this is a mistake.",
            code="account_suspended")


def lock_account_to_act(actor) -> None:
    """require_not_suspended against the committed row, locked (core/locks.py level 0): a
    bid placed while staff suspend the account either lands before the suspension (and is
    withdrawn with the others) or is refused, never slips between the two."""
    row = User.objects.select_for_update().filter(pk=actor.pk).values("suspended_at", "suspension_reason").first()
    if row and row["suspended_at"] is not None:
        actor.suspended_at, actor.suspension_reason = row["suspended_at"], row["suspension_reason"]
        require_not_suspended(actor)


def require_moderator(actor, permission: str = "moderation.change_report") -> None:
    """Moderation writes need staff with the moderation app's permission (superusers have all)."""
    if actor is None or not getattr(actor, "is_staff", False) or not actor.has_perm(permission):
        raise PermissionDenied("Only staff with moderation rights can do that.")


def clean_moderation_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Give the reason: the person is shown it.", fields={"reason": ["Required."]})
    if len(reason) > MODERATION_REASON_MAX:
        raise ValidationFailed(f"At most {MODERATION_REASON_MAX} characters.",
                               fields={"reason": [f"At most {MODERATION_REASON_MAX} characters."]})
    return reason


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


# --- Moderation (called by the moderation app's services; audited here) ---------------
@transaction.atomic
def user_suspend(*, actor, user_id, reason: str, request=None) -> User:
    """Staff suspend an account (moderation.suspend_account). Only the account row changes
    here; the moderation service withdraws the open bids and tells everyone concerned."""
    require_moderator(actor, "moderation.suspend_account")
    reason = clean_moderation_reason(reason)
    user = User.objects.select_for_update().get(pk=user_id)
    if user.pk == actor.pk:
        raise InvalidState("You cannot suspend your own account.")
    if user.is_staff:
        raise InvalidState("Staff accounts are not suspended here; remove their staff status first.")
    if user.suspended_at is not None:
        raise InvalidState(f"This account is already suspended (since {user.suspended_at:%b %d, %Y}).")
    user.suspended_at = timezone.now()
    user.suspension_reason = reason
    user.save(update_fields=["suspended_at", "suspension_reason"])
    audit.record(actor, "account.suspended", user, request, reason=reason)
    return user


@transaction.atomic
def user_unsuspend(*, actor, user_id, note: str = "", request=None) -> User:
    require_moderator(actor, "moderation.suspend_account")
    user = User.objects.select_for_update().get(pk=user_id)
    if user.suspended_at is None:
        raise InvalidState("This account is not suspended.")
    was = user.suspension_reason
    user.suspended_at = None
    user.suspension_reason = ""
    user.save(update_fields=["suspended_at", "suspension_reason"])
    audit.record(actor, "account.unsuspended", user, request, previous_reason=was, note=(note or "").strip()[:500])
    return user


@transaction.atomic
def contractor_profile_hide(*, actor, user_id, reason: str, request=None) -> ContractorProfile:
    """Staff remove a contractor's profile from the directory and from everyone but its owner."""
    require_moderator(actor)
    reason = clean_moderation_reason(reason)
    profile = ContractorProfile.objects.select_for_update().get(user_id=user_id)
    if profile.hidden_at is not None:
        raise InvalidState("This profile was already removed by moderators.")
    profile.hidden_at = timezone.now()
    profile.hidden_reason = reason
    profile.save(update_fields=["hidden_at", "hidden_reason", "updated_at"])
    audit.record(actor, "account.profile_hidden", profile, request, reason=reason)
    return profile
