import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import ContractorProfile, HomeownerProfile, User

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    role = User.Role.HOMEOWNER
    phone_verified_at = None

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class HomeownerFactory(UserFactory):
    role = User.Role.HOMEOWNER
    phone = factory.Sequence(lambda n: f"+1512555{n:04d}")
    phone_verified_at = factory.LazyFunction(timezone.now)
    profile = factory.RelatedFactory("accounts.tests.factories.HomeownerProfileFactory", factory_related_name="user")


class ContractorFactory(UserFactory):
    role = User.Role.CONTRACTOR
    phone = factory.Sequence(lambda n: f"+1737555{n:04d}")
    phone_verified_at = factory.LazyFunction(timezone.now)
    profile = factory.RelatedFactory("accounts.tests.factories.ContractorProfileFactory", factory_related_name="user")


class StaffFactory(UserFactory):
    """Staff must use two-factor (accounts/twofactor.py), so they come enrolled: the TOTP
    secret is kept on the instance (`user.totp_secret`) for tests that type a code.
    StaffFactory(totp=False) is a staff member who has not enrolled yet."""

    is_staff = True
    is_superuser = True

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        self.totp_secret = None
        if create and extracted is not False:
            from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
            from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

            self.totp_secret = generate_totp_secret()
            TOTP.activate(self, self.totp_secret)
            RecoveryCodes.activate(self)


def totp_code(secret: str, *, step_offset: int = 0) -> str:
    """The code an authenticator app shows now (RFC 6238, computed like allauth does)."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step_offset))


class HomeownerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HomeownerProfile

    zip_code = "78701"


class ContractorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractorProfile

    business_name = factory.Sequence(lambda n: f"Builder {n} LLC")
    zip_code = "78702"
    service_radius_miles = 25
    years_in_business = 5
