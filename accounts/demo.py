"""Demo accounts for `make run` (seed_demo). Idempotent: safe to run on every start."""

from datetime import date

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from jobs.models import Category

from .models import ContractorProfile, HomeownerProfile, User

DEMO_PASSWORD = "fairtrade-demo"  # documented demo accounts, seeded only by seed_demo  # nosec B105

HOMEOWNERS = [
    ("homeowner@demo.test", "Hannah Homeowner", "+15125550101", "78701"),
    ("homeowner2@demo.test", "Oscar Owens", "+15125550102", "78704"),
]
CONTRACTORS = [
    ("contractor@demo.test", "Carlos Rivera", "+15125550201", "Rivera Plumbing & Heating", "78702", ["plumbing", "hvac"], "TX-PL-40123"),
    ("contractor2@demo.test", "Dana Brooks", "+15125550202", "Brooks Electric Co.", "78745", ["electrical", "handyman"], "TX-EL-77812"),
    ("contractor3@demo.test", "Sam Whitfield", "+15125550203", "Whitfield Builders", "78758", ["general-contracting", "carpentry", "roofing", "painting"], "TX-GC-10977"),
]
STAFF = ("staff@demo.test", "Sasha Staff", "+15125550301")


def _user(email, full_name, role, phone, *, staff=False):
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "role": role, "is_staff": staff, "is_superuser": staff}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
    user.full_name, user.role, user.phone = full_name, role, phone
    user.is_staff = user.is_superuser = staff
    user.phone_verified_at = user.phone_verified_at or timezone.now()
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user, created


@transaction.atomic
def seed(stdout=None) -> dict:
    made = 0
    for email, name, phone, zip_code in HOMEOWNERS:
        user, created = _user(email, name, User.Role.HOMEOWNER, phone)
        HomeownerProfile.objects.update_or_create(user=user, defaults={"zip_code": zip_code})
        made += created
    for email, name, phone, business, zip_code, trades, license_number in CONTRACTORS:
        user, created = _user(email, name, User.Role.CONTRACTOR, phone)
        profile, _ = ContractorProfile.objects.update_or_create(
            user=user,
            defaults={
                "business_name": business,
                "zip_code": zip_code,
                "service_radius_miles": 30,
                "license_number": license_number,
                "license_state": "TX",
                "license_expires_on": date(timezone.localdate().year + 2, 6, 30),
                "insurance_expires_on": date(timezone.localdate().year + 1, 12, 31),
                "years_in_business": 8 + len(business) % 10,
                "bio": f"{business} has served Austin homeowners for years. Clean job sites, clear quotes, no surprises.",
            },
        )
        profile.trades.set(Category.objects.filter(slug__in=trades))
        made += created
    staff_email, staff_name, staff_phone = STAFF
    _user(staff_email, staff_name, User.Role.HOMEOWNER, staff_phone, staff=True)
    if stdout:
        stdout.write(f"Demo accounts ready ({made} new); password for all: {DEMO_PASSWORD}")
    return {"created": made}
