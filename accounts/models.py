import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from core.models import BaseModel, Hideable, hidden_has_reason
from core.uploads import RandomUploadTo

zip_code_validator = RegexValidator(r"^\d{5}$", "Enter a 5-digit US ZIP code.")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def _create(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        HOMEOWNER = "homeowner", "Homeowner"
        CONTRACTOR = "contractor", "Contractor"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.HOMEOWNER, db_index=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164, e.g. +15125550100")
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # IANA name; set from the ZIP code at onboarding, changeable in settings. Empty = UTC.
    time_zone = models.CharField(max_length=64, blank=True)
    # Set by staff (moderation): the person can still sign in and read, but every service
    # that acts (bid, post or edit a job, ask, answer, message, review, invite) refuses.
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=500, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(condition=models.Q(role__in=["homeowner", "contractor"]), name="user_role_valid"),
            models.CheckConstraint(condition=models.Q(suspended_at__isnull=True) | ~models.Q(suspension_reason=""),
                                   name="user_suspension_has_reason"),
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        # Stored lower-case so lookups, uniqueness and allauth agree on one spelling.
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_homeowner(self):
        return self.role == self.Role.HOMEOWNER

    @property
    def is_contractor(self):
        return self.role == self.Role.CONTRACTOR

    @property
    def phone_verified(self):
        return self.phone_verified_at is not None

    @property
    def is_suspended(self):
        return self.suspended_at is not None

    @property
    def display_name(self):
        """What other people see: a contractor's business, a homeowner's first name."""
        if self.is_contractor:
            profile = getattr(self, "contractor_profile", None)
            if profile and profile.business_name:
                return profile.business_name
        if not self.is_active:
            return "Former member"  # a closed account: its name is erased (accounts.privacy)
        first = (self.full_name or "").split(" ")[0]
        return first or "Member"

    @property
    def profile_complete(self):
        if self.is_staff and not hasattr(self, "homeowner_profile") and not hasattr(self, "contractor_profile"):
            return True
        profile = getattr(self, "contractor_profile" if self.is_contractor else "homeowner_profile", None)
        return bool(profile and profile.is_complete)


class HomeownerProfile(BaseModel):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="homeowner_profile")
    zip_code = models.CharField(max_length=5, validators=[zip_code_validator])

    def __str__(self):
        return f"Homeowner {self.user.email}"

    @property
    def is_complete(self):
        return bool(self.zip_code)


class ContractorProfile(BaseModel, Hideable):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="contractor_profile")
    business_name = models.CharField(max_length=120)
    trades = models.ManyToManyField("jobs.Category", related_name="contractors", blank=True)
    zip_code = models.CharField(max_length=5, validators=[zip_code_validator], db_index=True)
    service_radius_miles = models.PositiveSmallIntegerField(
        default=25, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    license_number = models.CharField(max_length=40, blank=True)
    license_state = models.CharField(max_length=2, blank=True)
    license_expires_on = models.DateField(null=True, blank=True)
    insurance_expires_on = models.DateField(null=True, blank=True)
    years_in_business = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    bio = models.TextField(blank=True, max_length=2000)
    # Kept up to date by the reviews service; stored to keep directory queries flat.
    rating_avg = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)
    completed_jobs = models.PositiveIntegerField(default=0)
    # Hideable (hidden_at, hidden_reason) — removed by moderators: others no longer find or open the profile; its owner sees why.

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service_radius_miles__gte=1, service_radius_miles__lte=200),
                name="contractor_radius_range",
            ),
            hidden_has_reason("contractor_hidden_has_reason"),
        ]

    def __str__(self):
        return self.business_name or f"Contractor {self.user.email}"

    @property
    def is_complete(self):
        return bool(self.business_name and self.zip_code and self.service_radius_miles)

    @property
    def license_current(self):
        return bool(self.license_number and self.license_expires_on and self.license_expires_on >= timezone.localdate())

    @property
    def insurance_current(self):
        return bool(self.insurance_expires_on and self.insurance_expires_on >= timezone.localdate())


class RevokedReason(models.TextChoices):
    OWNER = "owner", "Revoked by its owner"
    STAFF = "staff", "Revoked by staff"
    PASSWORD = "password", "Revoked with a password change or reset"


class ApiToken(BaseModel):
    """A bearer token for the partner API. Only a SHA-256 of the secret is stored."""

    RevokedReason = RevokedReason

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, db_index=True, help_text="Shown to the owner to tell tokens apart.")
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Why it stopped working: the security email after a password change lists the tokens
    # revoked with it (selectors.tokens_revoked_with_password).
    revoked_reason = models.CharField(max_length=20, choices=RevokedReason.choices, blank=True)
    scopes = models.JSONField(default=list, blank=True, help_text="accounts.scopes names; see API.md: Scopes.")
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Refused from this time on; empty: no expiry.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None

    def is_expired(self, now) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class DataExport(BaseModel):
    """A zip of everything held about a person, built in the background and downloaded
    through a signed link until `expires_at` (accounts.personal_data)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    TRANSITIONS = {
        Status.PENDING: {Status.READY, Status.FAILED},
        Status.READY: {Status.EXPIRED},
        Status.FAILED: set(),
        Status.EXPIRED: set(),
    }

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # Private storage under a random key; only ever served to its owner through the signed link.
    file = models.FileField(upload_to=RandomUploadTo("private/exports"), max_length=200, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="dataexport_user_idx"),
            models.Index(fields=["status", "expires_at"], name="dataexport_expiry_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["pending", "ready", "failed", "expired"]),
                                   name="dataexport_status_valid"),
        ]

    def __str__(self):
        return f"Data export {str(self.pk)[:8]} ({self.status})"
