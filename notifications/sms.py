"""SMS backends: Twilio when TWILIO_ACCOUNT_SID is set, the console otherwise.

`send(to, body, status_callback)` returns the provider's message id or raises SmsError;
`permanent=True` means retrying cannot help (invalid number, recipient opted out).
"""

import logging
import sys
import uuid
from datetime import datetime

from django.conf import settings

logger = logging.getLogger(__name__)

# Twilio error codes where another attempt gives the same answer.
# https://www.twilio.com/docs/api/errors
PERMANENT_TWILIO_CODES = {
    21211,  # invalid 'To' number
    21214,  # 'To' number cannot be reached
    21408,  # region not enabled
    21610,  # recipient replied STOP
    21612,  # 'To' not reachable from this 'From'
    21614,  # 'To' is not a mobile number
    30003, 30005, 30006,  # unreachable, unknown, landline
}
TWILIO_TIMEOUT_SECONDS = 10


class SmsError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class ConsoleSmsBackend:
    """Prints each text to stdout (the embedded default and local development)."""

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, to: str, body: str, status_callback: str | None = None) -> str:
        stream = self.stream or sys.stdout  # looked up per call so test capture sees it
        message_id = f"console-{uuid.uuid4().hex}"
        stream.write(f"SMS to {to}: {body}\n")
        stream.flush()
        return message_id

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        return None  # nothing to ask: the console keeps no record


def twilio_http_client():
    """Twilio's own HTTP client with a timeout; tests replace this to fake Twilio."""
    from twilio.http.http_client import TwilioHttpClient

    return TwilioHttpClient(timeout=TWILIO_TIMEOUT_SECONDS)


class TwilioSmsBackend:
    def __init__(self):
        from twilio.rest import Client

        self.client = Client(
            settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=twilio_http_client()
        )
        self.from_number = settings.TWILIO_FROM_NUMBER

    def send(self, to: str, body: str, status_callback: str | None = None) -> str:
        from twilio.base.exceptions import TwilioRestException

        kwargs = {"to": to, "from_": self.from_number, "body": body}
        if status_callback:
            kwargs["status_callback"] = status_callback
        try:
            message = self.client.messages.create(**kwargs)
        except TwilioRestException as exc:
            permanent = exc.code in PERMANENT_TWILIO_CODES or (400 <= exc.status < 500 and exc.status != 429)
            raise SmsError(f"Twilio {exc.status} error {exc.code}: {exc.msg}", permanent=permanent) from exc
        except Exception as exc:  # timeouts, connection resets: worth another try
            raise SmsError(f"Twilio unreachable: {exc.__class__.__name__}: {exc}") from exc
        return message.sid

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        """After a crash between send and commit: did Twilio take this text? Its sid if so."""
        try:
            messages = self.client.messages.list(to=to, from_=self.from_number, date_sent_after=since, limit=20)
        except Exception:
            logger.exception("could not list Twilio messages to reconcile a delivery")
            raise
        for message in messages:
            if (message.body or "").strip() == body.strip():
                return message.sid
        return None


def get_backend():
    if getattr(settings, "SMS_BACKEND", "console") == "twilio":
        return TwilioSmsBackend()
    return ConsoleSmsBackend()


# --- GSM-7: what fits in one 160-character text -----------------------------------------
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")  # each takes two septets


def gsm7_length(text: str) -> int | None:
    """Septets needed for `text` in GSM-7, or None when it needs UCS-2 (70 chars per text)."""
    length = 0
    for char in text:
        if char in GSM7_BASIC:
            length += 1
        elif char in GSM7_EXTENDED:
            length += 2
        else:
            return None
    return length


_GSM_REPLACEMENTS = str.maketrans({
    "“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "–": "-", "—": "-", "‐": "-",
    "\u00a0": " ", "\u2009": " ", "•": "*", "×": "x",
})
SMS_MAX = 160


def to_gsm(text: str, limit: int = SMS_MAX) -> str:
    """Make `text` one GSM-7 text: typographic punctuation to ASCII, accents stripped where
    GSM lacks the letter, anything else (emoji) dropped, then cut to `limit` septets. One
    stray emoji in a job title would otherwise switch the whole text to UCS-2 (70 chars)."""
    import unicodedata

    text = text.replace("…", "...").translate(_GSM_REPLACEMENTS)
    out = []
    for char in text:
        if char in GSM7_BASIC or char in GSM7_EXTENDED:
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        out.append("".join(c for c in base if c in GSM7_BASIC))
    text = " ".join("".join(out).split())
    if gsm7_length(text) <= limit:
        return text
    cut = limit - 3
    while gsm7_length(text[:cut].rstrip() + "...") > limit:
        cut -= 1
    return text[:cut].rstrip() + "..."
