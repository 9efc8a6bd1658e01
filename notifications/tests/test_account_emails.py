"""allauth's emails, restyled: branded HTML part plus plain text, links absolute."""

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_signup_confirmation_email_is_branded(client):
    client.post("/accounts/signup/", {
        "full_name": "Paula Park", "email": "paula@example.test", "role": "homeowner",
        "password1": "a-Long-and-unusual-passphrase-42", "password2": "a-Long-and-unusual-passphrase-42",
    })
    (message,) = mail.outbox
    assert message.subject == "[FairTradeWorker] Confirm your email address"
    assert "Hello Paula Park," in message.body and "/accounts/confirm-email/" in message.body
    html = message.alternatives[0][0]
    assert "Confirm my email" in html and 'href="https://fairtrade.example/accounts/confirm-email/' in html
    assert "<img" not in html and "<style" not in html and "FairTradeWorker" in html


def test_password_reset_email_is_branded(client, homeowner):
    client.post("/accounts/password/reset/", {"email": homeowner.email})
    (message,) = mail.outbox
    assert message.subject == "[FairTradeWorker] Reset your password"
    assert "/accounts/password/reset/key/" in message.body and "one hour" in message.body
    html = message.alternatives[0][0]
    assert "Choose a new password" in html and "always sent" in html
