"""Phone verification: normalisation, codes, limits, one owner per number; web and API."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts import phone as phone_service
from accounts.tests.factories import ContractorFactory, HomeownerFactory
from core.exceptions import Conflict, ValidationFailed
from notifications.models import NotificationDelivery, PhoneVerification, VerifiedPhone

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _console_sms(settings):
    settings.SMS_BACKEND = "console"


@pytest.fixture
def newcomer(db):
    return ContractorFactory(phone="", phone_verified_at=None)


def sent_code(capsys) -> str:
    """The code from the console SMS backend's output (sending runs after commit)."""
    return re.findall(r"verification code is (\d{6})", capsys.readouterr().out)[-1]


@pytest.mark.parametrize("raw,e164", [
    ("(512) 555-0100", "+15125550100"),
    ("512.555.0100", "+15125550100"),
    ("+1 512 555 0100", "+15125550100"),
    ("1-512-555-0100", "+15125550100"),
    ("  +15125550100 ", "+15125550100"),
])
def test_numbers_are_normalised_to_e164(raw, e164):
    assert phone_service.normalize_phone(raw) == e164


@pytest.mark.parametrize("raw,message", [
    ("", "Enter your mobile number"),
    ("call me", "does not look like a phone number"),
    ("555-0100", "not valid"),
    ("+1 512 555 01", "not valid"),
    ("+44 20 7946 0958", "only text US"),
    ("+49 30 901820", "only text US"),
])
def test_bad_and_foreign_numbers_are_refused_clearly(raw, message):
    with pytest.raises(ValidationFailed, match=message):
        phone_service.normalize_phone(raw)


def test_code_flow_end_to_end(newcomer, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        verification = phone_service.phone_start(actor=newcomer, phone="(512) 555-0142")
    code = sent_code(capsys)
    assert code not in verification.code_hash and len(verification.code_hash) == 64
    assert abs(verification.expires_at - verification.created_at - timedelta(minutes=10)) < timedelta(seconds=1)
    sms = NotificationDelivery.objects.get(event="phone.code")
    assert sms.to == "+15125550142" and sms.status == "sent" and code not in sms.body_text  # redacted
    phone_service.phone_verify(actor=newcomer, code=f" {code[:3]} {code[3:]} ")
    newcomer.refresh_from_db()
    assert newcomer.phone == "+15125550142" and newcomer.phone_verified
    assert VerifiedPhone.objects.get(user=newcomer).phone == "+15125550142"
    with pytest.raises(ValidationFailed, match="no code waiting"):  # reuse
        phone_service.phone_verify(actor=newcomer, code=code)


def test_wrong_codes_count_and_lock_after_five(newcomer, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        phone_service.phone_start(actor=newcomer, phone="+15125550143")
    code = sent_code(capsys)
    wrong = "000000" if code != "000000" else "111111"
    messages = []
    for _ in range(5):
        with pytest.raises(ValidationFailed) as exc:
            phone_service.phone_verify(actor=newcomer, code=wrong)
        messages.append(exc.value.message)
    assert messages[0] == "That code is not right. 4 tries left."
    assert messages[3] == "That code is not right. 1 try left."
    assert "last try" in messages[4]
    with pytest.raises(ValidationFailed, match="Too many wrong tries"):
        phone_service.phone_verify(actor=newcomer, code=code)  # even the right code now
    assert PhoneVerification.objects.get().attempts == 5
    newcomer.refresh_from_db()
    assert not newcomer.phone_verified


def test_codes_expire_after_ten_minutes(newcomer, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        phone_service.phone_start(actor=newcomer, phone="+15125550144")
    code = sent_code(capsys)
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1)), \
            pytest.raises(ValidationFailed, match="expired"):
        phone_service.phone_verify(actor=newcomer, code=code)


@pytest.mark.parametrize("bad", ["", "12345", "1234567", "abcdef"])
def test_malformed_codes(newcomer, bad):
    with pytest.raises(ValidationFailed, match="6-digit"):
        phone_service.phone_verify(actor=newcomer, code=bad)


def test_sixty_seconds_between_sends_and_a_new_code_replaces_the_old(
    newcomer, capsys, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            phone_service.phone_start(actor=newcomer, phone="+15125550145")
        old = sent_code(capsys)
        clock.shift(30)
        with pytest.raises(phone_service.RateLimited, match="wait 30 seconds") as exc:
            phone_service.phone_start(actor=newcomer, phone="+15125550145")
        assert exc.value.retry_after == 30 and exc.value.status_code == 429
        clock.shift(31)
        with django_capture_on_commit_callbacks(execute=True):
            phone_service.phone_start(actor=newcomer, phone="+15125550145")
        new = sent_code(capsys)
        if old != new:
            with pytest.raises(ValidationFailed):
                phone_service.phone_verify(actor=newcomer, code=old)
        phone_service.phone_verify(actor=newcomer, code=new)


def test_at_most_five_sends_per_number_per_day(newcomer):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(5):
            phone_service.phone_start(actor=newcomer, phone="+15125550146")
            clock.shift(61)
        with pytest.raises(phone_service.RateLimited, match="5 codes to this number today"):
            phone_service.phone_start(actor=newcomer, phone="+15125550146")
        # Another account cannot be used to hammer the same number either.
        with pytest.raises(phone_service.RateLimited):
            phone_service.phone_start(actor=HomeownerFactory(phone=""), phone="+15125550146")
        clock.shift(timedelta(days=1))
        phone_service.phone_start(actor=newcomer, phone="+15125550146")


def test_at_most_eight_codes_per_account_per_day_across_numbers(newcomer, api_as):
    """One account cannot text a new number every minute (issue 12: ~1,440 numbers a day)."""
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for n in range(phone_service.MAX_SENDS_PER_ACCOUNT_PER_DAY):
            phone_service.phone_start(actor=newcomer, phone=f"+1512555{n + 200:04d}")
            clock.shift(61)
        with pytest.raises(phone_service.RateLimited, match="8 codes today"):
            phone_service.phone_start(actor=newcomer, phone="+15125550299")
        response = api_as(newcomer).post("/api/v1/me/phone/", {"phone": "+15125550298"}, format="json")
        assert response.status_code == 429 and int(response["Retry-After"]) > 80_000
        # Another account is not affected; a day later this one may ask again.
        phone_service.phone_start(actor=HomeownerFactory(phone=""), phone="+15125550299")
        clock.shift(timedelta(days=1))
        phone_service.phone_start(actor=newcomer, phone="+15125550298")


def test_one_verified_owner_per_number(newcomer, contractor, capsys, django_capture_on_commit_callbacks):
    with pytest.raises(Conflict, match="another account"):
        phone_service.phone_start(actor=newcomer, phone=contractor.phone)
    # Two people racing for one number: the second to verify loses.
    rival = HomeownerFactory(phone="", phone_verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        phone_service.phone_start(actor=newcomer, phone="+15125550147")
    newcomer_code = sent_code(capsys)
    # (the per-number 60 s interval would otherwise hold the rival back)
    PhoneVerification.objects.filter(phone="+15125550147").update(created_at=timezone.now() - timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        phone_service.phone_start(actor=rival, phone="+15125550147")
    rival_code = sent_code(capsys)
    phone_service.phone_verify(actor=newcomer, code=newcomer_code)
    with pytest.raises(Conflict, match="another account"):
        phone_service.phone_verify(actor=rival, code=rival_code)
    rival.refresh_from_db()
    assert not rival.phone_verified


def test_already_verified_number_is_refused(contractor):
    with pytest.raises(ValidationFailed, match="already verified on your account"):
        phone_service.phone_start(actor=contractor, phone=contractor.phone)


# --- web --------------------------------------------------------------------------------
def test_phone_page_flow(client, newcomer, capsys, django_capture_on_commit_callbacks):
    client.force_login(newcomer)
    page = client.get("/settings/phone/").content.decode()
    assert "Not verified" in page and 'autocomplete="tel"' in page
    response = client.post("/settings/phone/", {"action": "send", "phone": "+44 20 7946 0958"})
    assert "only text US" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/settings/phone/", {"action": "send", "phone": "512 555 0148"}, follow=True)
    page = response.content.decode()
    assert "We texted a code to (512) 555-0148" in page and 'autocomplete="one-time-code"' in page
    response = client.post("/settings/phone/", {"action": "verify", "code": "12345"})
    assert "6-digit code" in response.content.decode()
    response = client.post("/settings/phone/", {"action": "verify", "code": sent_code(capsys), "next": "/dashboard/"})
    assert response.status_code == 302 and response.url == "/dashboard/"
    newcomer.refresh_from_db()
    assert newcomer.phone_verified


def test_phone_page_requires_login(client):
    assert client.get("/settings/phone/").status_code == 302


# --- API --------------------------------------------------------------------------------
def test_api_phone_endpoints(api_as, newcomer, capsys, django_capture_on_commit_callbacks, api_client):
    api = api_as(newcomer)
    bad = api.post("/api/v1/me/phone/", {"phone": "12"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["fields"]["phone"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post("/api/v1/me/phone/", {"phone": "+15125550149"}, format="json")
    assert sent.status_code == 202 and sent.json()["phone"] == "+15125550149"
    again = api.post("/api/v1/me/phone/", {"phone": "+15125550149"}, format="json")
    assert again.status_code == 429 and again.json()["error"]["code"] == "rate_limited"
    assert int(again["Retry-After"]) <= 60
    wrong = api.post("/api/v1/me/phone/verify/", {"code": "000000"}, format="json")
    code = sent_code(capsys)
    if code != "000000":
        assert wrong.status_code == 400 and "tries left" in wrong.json()["error"]["message"]
    ok = api.post("/api/v1/me/phone/verify/", {"code": code}, format="json")
    assert ok.status_code == 200 and ok.json() == {"phone": "+15125550149", "phone_verified": True}
    assert api.get("/api/v1/me/").json()["phone_verified"] is True
    assert api_client.post("/api/v1/me/phone/", {"phone": "+15125550149"}, format="json").status_code == 401


def test_api_conflict_for_a_taken_number(api_as, newcomer, contractor):
    response = api_as(newcomer).post("/api/v1/me/phone/", {"phone": contractor.phone}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
