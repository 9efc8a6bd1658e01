"""Personal-data export and erasure.

Every app may provide `<app>/privacy.py` with:
- `export(user) -> dict`: that app's data about the user, JSON-serialisable;
- `erasure_blockers(user) -> list[str]`: reasons the account cannot be erased yet
  (money in escrow, an open dispute...), in words the user understands;
- `erase(user)`: scrub that app's personal data (records needed for accounting stay,
  detached from the person).
This module is the accounts app's own contribution plus the orchestration.
"""

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

import audit
from core.exceptions import InvalidState
from fairtrade.discovery import app_modules

from .models import ApiToken, User


def export(user: User) -> dict:
    data = {
        "id": str(user.pk),
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "phone": user.phone,
        "phone_verified_at": user.phone_verified_at,
        "date_joined": user.date_joined,
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "created_at": t.created_at, "last_used_at": t.last_used_at,
             "revoked_at": t.revoked_at}
            for t in user.api_tokens.all()
        ],
    }
    profile = getattr(user, "homeowner_profile", None)
    if profile:
        data["homeowner_profile"] = {"zip_code": profile.zip_code}
    contractor = getattr(user, "contractor_profile", None)
    if contractor:
        data["contractor_profile"] = {
            "business_name": contractor.business_name,
            "trades": list(contractor.trades.values_list("slug", flat=True)),
            "zip_code": contractor.zip_code,
            "service_radius_miles": contractor.service_radius_miles,
            "license_number": contractor.license_number,
            "license_state": contractor.license_state,
            "license_expires_on": contractor.license_expires_on,
            "insurance_expires_on": contractor.insurance_expires_on,
            "years_in_business": contractor.years_in_business,
            "bio": contractor.bio,
        }
    return data


def erasure_blockers(user: User) -> list[str]:
    return []


def erase(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if hasattr(user, "homeowner_profile"):
        user.homeowner_profile.delete()
    contractor = getattr(user, "contractor_profile", None)
    if contractor:
        contractor.license_number = contractor.bio = ""
        contractor.business_name = "Former contractor"
        contractor.save(update_fields=["license_number", "bio", "business_name", "updated_at"])
    user.email = f"erased-{user.pk}@erased.invalid"
    user.full_name = "Deleted user"
    user.phone = ""
    user.phone_verified_at = None
    user.is_active = False
    user.password = make_password(None)
    user.save()


def _contributors():
    return app_modules("privacy")


def personal_data_export(*, actor: User, request=None) -> dict:
    """Everything we hold about the actor, by app (downloaded as JSON)."""
    result = {"exported_at": timezone.now()}
    for module in _contributors():
        section = module.__name__.split(".")[0]
        result[section] = module.export(actor)
    audit.record(actor, "account.data_exported", actor, request)
    return result


def account_erase(*, actor: User, request=None) -> None:
    """Erase the actor's personal data and close the account, unless money or a dispute is open."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=actor.pk)
        blockers = [reason for module in _contributors() for reason in module.erasure_blockers(actor)]
        if blockers:
            raise InvalidState("Your account can't be deleted yet: " + " ".join(blockers))
        # No target repr: the entry must not keep the email address we are about to erase.
        audit.record(actor, "account.erased", None, request, user_id=str(actor.pk))
        for module in reversed(_contributors()):
            module.erase(actor)
