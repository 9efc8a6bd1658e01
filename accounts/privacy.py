"""The accounts app's personal data: the account, its email addresses, profiles, API tokens,
data exports and sign-in records (core.privacy describes the three functions)."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.hashers import make_password

from core.privacy import Blocker, rows

from .models import ApiToken, ContractorProfile, DataExport, HomeownerProfile, User

PSEUDONYM_NAME = "Former member"
PSEUDONYM_BUSINESS = "Former contractor"


def pseudonymous_email(user: User) -> str:
    # Unique (the column is) and undeliverable (.invalid is reserved, RFC 2606).
    return f"erased-{user.pk}@erased.invalid"


def export(user: User) -> dict:
    data = {
        "account": {
            "id": str(user.pk),
            "email": user.email,
            "full_name": user.full_name,
            "role": user.role,
            "phone": user.phone,
            "phone_verified_at": user.phone_verified_at,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "email_addresses": rows(EmailAddress.objects.filter(user=user).order_by("email"), "email", "verified", "primary"),
        # Names only: neither the secret (never stored) nor its hash or prefix.
        "api_tokens": rows(ApiToken.objects.filter(user=user).order_by("created_at"),
                           "name", "created_at", "last_used_at", "revoked_at"),
    }
    profile = HomeownerProfile.objects.filter(user=user).first()
    if profile:
        data["homeowner_profile"] = {"zip_code": profile.zip_code}
    contractor = ContractorProfile.objects.filter(user=user).prefetch_related("trades").first()
    if contractor:
        data["contractor_profile"] = {
            "business_name": contractor.business_name,
            "trades": [trade.name for trade in contractor.trades.all()],
            "zip_code": contractor.zip_code,
            "service_radius_miles": contractor.service_radius_miles,
            "license_number": contractor.license_number,
            "license_state": contractor.license_state,
            "license_expires_on": contractor.license_expires_on,
            "insurance_expires_on": contractor.insurance_expires_on,
            "years_in_business": contractor.years_in_business,
            "bio": contractor.bio,
            "rating_avg": contractor.rating_avg,
            "rating_count": contractor.rating_count,
            "completed_jobs": contractor.completed_jobs,
        }
    return data


def erasure_blockers(user: User) -> list[Blocker]:
    # Nothing in the account itself keeps it open: the obligations live in the other apps.
    return []


def erase(user: User) -> None:
    """Scrub the account to a pseudonym. The row stays: contracts, payments, the ledger and
    the audit log point at it, and the books must still say who was party to what."""
    for export_row in DataExport.objects.filter(user=user):
        if export_row.file:
            export_row.file.delete(save=False)
    DataExport.objects.filter(user=user).delete()
    addresses = [user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)]
    EmailAddress.objects.filter(user=user).delete()  # confirmations cascade
    # Two-factor secrets and recovery codes: useless without the account, secret with it.
    Authenticator.objects.filter(user=user).delete()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        for address in addresses:
            model.objects.filter(username__iexact=address).delete()
    # Deleted, not only revoked: a token's name ("Dana's laptop") is personal too.
    ApiToken.objects.filter(user=user).delete()
    HomeownerProfile.objects.filter(user=user).delete()
    contractor = ContractorProfile.objects.filter(user=user).first()
    if contractor:
        contractor.business_name = PSEUDONYM_BUSINESS
        contractor.license_number = contractor.license_state = contractor.bio = ""
        contractor.license_expires_on = contractor.insurance_expires_on = None
        contractor.years_in_business = 0
        contractor.save()
        contractor.trades.clear()
    user.email = pseudonymous_email(user)
    user.full_name = PSEUDONYM_NAME
    user.phone = ""
    user.phone_verified_at = None
    user.last_login = None
    user.is_active = False
    user.password = make_password(None)
    user.save()
