"""Phone verification: phone_start (send a code) and phone_verify (check it).

Rules: the number is normalised to E.164 with `phonenumbers` (US numbers only: the
marketplace works by US ZIP code and texts from a US number); a 6-digit code is valid for
10 minutes, stored only as a keyed hash, accepts at most 5 tries; 60 seconds between sends,
at most 5 sends per number and 8 per account per day (without the account cap one account
could text ~1,440 numbers a day, one a minute, at our expense); a number verified by one account cannot be verified
by another (VerifiedPhone's unique constraints). The code goes out by SMS from a task after
commit, like every other text (notifications.services.sms_send_direct).
"""

import math
import secrets
from datetime import timedelta

import phonenumbers
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

import audit
from core.exceptions import ApplicationError, Conflict, ValidationFailed
from notifications import events as notification_events
from notifications.models import PhoneVerification, VerifiedPhone
from notifications.rendering import render_sms
from notifications.services import sms_send_direct

from .models import User

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
RESEND_INTERVAL = timedelta(seconds=60)
MAX_SENDS_PER_DAY = 5
MAX_SENDS_PER_ACCOUNT_PER_DAY = 8
ALLOWED_REGIONS = {"US"}
DEFAULT_REGION = "US"


class RateLimited(ApplicationError):
    code = "rate_limited"
    status_code = 429

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = max(math.ceil(retry_after), 1)


def normalize_phone(raw: str) -> str:
    """'(512) 555-0100' -> '+15125550100'; ValidationFailed with a sentence otherwise."""
    text = (raw or "").strip()
    if not text:
        raise ValidationFailed("Enter your mobile number.", fields={"phone": ["This field is required."]})
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationFailed(
            "That does not look like a phone number. Enter it like (512) 555-0100 or +1 512 555 0100.",
            fields={"phone": ["Not a phone number."]},
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed(
            "That number is not valid. Check the area code and the number of digits.",
            fields={"phone": ["Not a valid number."]},
        )
    if phonenumbers.region_code_for_number(number) not in ALLOWED_REGIONS:
        raise ValidationFailed(
            "We can only text US mobile numbers for now.", fields={"phone": ["Enter a US number."]}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def _hash(verification_id, code: str) -> str:
    return salted_hmac("accounts.phone.code", f"{verification_id}:{code}", algorithm="sha256").hexdigest()


def _owned_by_someone_else(user: User, phone: str) -> bool:
    if VerifiedPhone.objects.filter(phone=phone).exclude(user=user).exists():
        return True
    return User.objects.filter(phone=phone, phone_verified_at__isnull=False).exclude(pk=user.pk).exists()


def pending_verification(user: User) -> PhoneVerification | None:
    """The code the person may still enter (latest, unused, not superseded)."""
    return (
        PhoneVerification.objects.filter(user=user, used_at__isnull=True, superseded_at__isnull=True)
        .order_by("-created_at")
        .first()
    )


def phone_start(*, actor: User, phone: str, request=None) -> PhoneVerification:
    phone = normalize_phone(phone)
    if actor.phone_verified and actor.phone == phone:
        raise ValidationFailed("This number is already verified on your account.", fields={"phone": ["Already verified."]})
    if _owned_by_someone_else(actor, phone):
        raise Conflict("This number is already verified on another account.", fields={"phone": ["Already in use."]})
    now = timezone.now()
    with transaction.atomic():
        # One send at a time per person: the checks below cannot race each other.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        last = PhoneVerification.objects.filter(user=actor).order_by("-created_at").first()
        last_for_number = PhoneVerification.objects.filter(phone=phone).order_by("-created_at").first()
        for previous in (last, last_for_number):
            if previous and now - previous.created_at < RESEND_INTERVAL:
                wait = (RESEND_INTERVAL - (now - previous.created_at)).total_seconds()
                raise RateLimited(f"Please wait {math.ceil(wait)} seconds before asking for another code.", retry_after=wait)
        day_ago = now - timedelta(days=1)
        sends_today = list(
            PhoneVerification.objects.filter(phone=phone, created_at__gte=day_ago)
            .order_by("created_at").values_list("created_at", flat=True)[:MAX_SENDS_PER_DAY]
        )
        if len(sends_today) >= MAX_SENDS_PER_DAY:
            wait = (sends_today[0] + timedelta(days=1) - now).total_seconds()
            raise RateLimited(
                f"We have sent {MAX_SENDS_PER_DAY} codes to this number today. Try again tomorrow.", retry_after=wait
            )
        account_sends = list(
            PhoneVerification.objects.filter(user=actor, created_at__gte=day_ago)
            .order_by("created_at").values_list("created_at", flat=True)[:MAX_SENDS_PER_ACCOUNT_PER_DAY]
        )
        if len(account_sends) >= MAX_SENDS_PER_ACCOUNT_PER_DAY:
            wait = (account_sends[0] + timedelta(days=1) - now).total_seconds()
            raise RateLimited(
                f"You have asked for {MAX_SENDS_PER_ACCOUNT_PER_DAY} codes today. Try again tomorrow, "
                "or write to support if you cannot receive texts.", retry_after=wait
            )
        PhoneVerification.objects.filter(user=actor, used_at__isnull=True, superseded_at__isnull=True).update(
            superseded_at=now
        )
        verification = PhoneVerification(user=actor, phone=phone, code_hash="", expires_at=now + CODE_TTL)
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        verification.code_hash = _hash(verification.pk, code)
        verification.save()
        body = render_sms("phone_code", {"code": code})
        sms_send_direct(recipient=actor, to=phone, event=notification_events.PHONE_CODE, body=body)
        audit.record(actor, "phone.code_sent", verification, request, phone=phone)
    return verification


def phone_verify(*, actor: User, code: str, request=None) -> User:
    code = (code or "").strip().replace(" ", "").replace("-", "")
    if not (code.isdigit() and len(code) == CODE_DIGITS):
        raise ValidationFailed("Enter the 6-digit code from the text message.", fields={"code": ["Enter 6 digits."]})
    now = timezone.now()
    failure = None
    with transaction.atomic():
        verification = (
            PhoneVerification.objects.select_for_update()
            .filter(user=actor, used_at__isnull=True, superseded_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if verification is None:
            failure = ValidationFailed("There is no code waiting to be entered. Ask for a new code.")
        elif verification.expires_at <= now:
            failure = ValidationFailed("This code has expired. Ask for a new one.", fields={"code": ["Expired."]})
        elif verification.attempts >= MAX_ATTEMPTS:
            failure = ValidationFailed("Too many wrong tries for this code. Ask for a new one.", fields={"code": ["Locked."]})
        elif not constant_time_compare(verification.code_hash, _hash(verification.pk, code)):
            # The attempt is counted and committed even though we answer with an error.
            verification.attempts += 1
            verification.save(update_fields=["attempts", "updated_at"])
            left = MAX_ATTEMPTS - verification.attempts
            message = (
                f"That code is not right. {left} tr{'y' if left == 1 else 'ies'} left."
                if left else "That code is not right, and that was the last try. Ask for a new code."
            )
            failure = ValidationFailed(message, fields={"code": ["Wrong code."]})
            audit.record(actor, "phone.code_wrong", verification, request, attempts=verification.attempts)
    if failure is not None:
        raise failure
    return _claim(actor, verification, request)


def _claim(actor: User, verification: PhoneVerification, request) -> User:
    phone = verification.phone
    try:
        with transaction.atomic():
            verification = PhoneVerification.objects.select_for_update().get(pk=verification.pk)
            if verification.used_at is not None:
                raise ValidationFailed("This code was already used. Ask for a new one.")
            if _owned_by_someone_else(actor, phone):
                raise Conflict("This number is already verified on another account.")
            verification.used_at = timezone.now()
            verification.save(update_fields=["used_at", "updated_at"])
            VerifiedPhone.objects.filter(user=actor).exclude(phone=phone).delete()
            VerifiedPhone.objects.get_or_create(user=actor, phone=phone)
            user = User.objects.select_for_update().get(pk=actor.pk)
            user.phone = phone
            user.phone_verified_at = timezone.now()
            user.save(update_fields=["phone", "phone_verified_at"])
            audit.record(actor, "phone.verified", user, request, phone=phone)
    except IntegrityError:
        # Another account claimed the number between our check and our insert.
        raise Conflict("This number is already verified on another account.") from None
    actor.phone, actor.phone_verified_at = user.phone, user.phone_verified_at
    return user
