"""Turn an event + context into the words of each channel.

Rendering happens inside notify(), in the caller's transaction, so what a person receives is
what was true at the moment of the event, and the sending task never needs the caller's
objects (it only reads the stored rows).
"""

import re
from dataclasses import dataclass
from datetime import UTC
from functools import cache

from django.conf import settings
from django.core import signing
from django.template import Engine, engines
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.links import absolute_url
from core.timezones import zone_or_none

from .events import Event
from .sms import to_gsm

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


@cache
def text_engine() -> Engine:
    """The project's template engine without HTML autoescaping, for text, SMS and subjects."""
    django_engine = engines["django"].engine
    return Engine(
        dirs=django_engine.dirs,
        app_dirs=True,
        autoescape=False,
        builtins=["core.templatetags.money"],
    )


def unsubscribe_token(user_id, event_key: str) -> str:
    # Not time-limited: an unsubscribe link must keep working in an old email.
    return signing.dumps({"u": str(user_id), "e": event_key}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> dict | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or "u" not in data or "e" not in data:
        return None
    return data


def unsubscribe_url(user_id, event: Event) -> str:
    if event.essential:
        return ""
    return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id, event.key)]))


@dataclass
class Rendered:
    title: str
    body: str
    subject: str
    text: str
    html: str
    sms: str


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _paragraphs(text: str) -> str:
    """Trim template whitespace: no trailing spaces, at most one blank line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", out) + "\n"


def base_context(event: Event, recipient, context: dict) -> dict:
    url = context.get("url") or reverse("notifications:list")
    return {
        **context,
        "event": event,
        "recipient": recipient,
        "site_name": settings.SITE_NAME,
        "SITE_NAME": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "action_url": absolute_url(url),
        "preferences_url": absolute_url(reverse("notifications:preferences")),
        "unsubscribe_url": unsubscribe_url(recipient.pk, event),
    }


def render_event(event: Event, recipient, context: dict) -> Rendered:
    # Dates and times in the recipient's own time zone (User.time_zone), like on the site.
    with timezone.override(zone_or_none(getattr(recipient, "time_zone", "")) or UTC):
        return _render_event(event, recipient, context)


def _render_event(event: Event, recipient, context: dict) -> Rendered:
    ctx = base_context(event, recipient, context)
    engine = text_engine()
    slug = event.slug
    subject = _one_line(engine.get_template(f"notifications/email/{slug}.subject.txt").render(_ctx(ctx)))
    body = _one_line(engine.get_template(f"notifications/inapp/{slug}.txt").render(_ctx(ctx)))
    text = _paragraphs(engine.get_template(f"notifications/email/{slug}.txt").render(_ctx(ctx)))
    html = render_to_string(f"notifications/email/{slug}.html", ctx | {"subject": subject})
    sms = ""
    if event.sms_template:
        sms = to_gsm(engine.get_template(f"notifications/sms/{slug}.txt").render(_ctx(ctx)))
    return Rendered(title=subject[:200], body=body[:2000], subject=subject[:300], text=text, html=html, sms=sms)


def render_sms(template_name: str, context: dict) -> str:
    ctx = {"site_name": settings.SITE_NAME, **context}
    return to_gsm(text_engine().get_template(f"notifications/sms/{template_name}.txt").render(_ctx(ctx)))


def _ctx(values: dict):
    from django.template import Context

    return Context(values, autoescape=False)
