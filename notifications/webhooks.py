"""Provider webhooks: anymail email tracking (SendGrid) and Twilio (inbound STOP/START,
status callbacks). Both are CSRF-exempt because the provider, not a browser, posts them;
each is authenticated instead (anymail's basic auth secret, Twilio's request signature)."""

import logging

from anymail.signals import AnymailTrackingEvent, EventType, tracking
from anymail.webhooks.sendgrid import SendGridTrackingWebhookView
from django.conf import settings
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseForbidden
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.links import absolute_url

from . import delivery, services
from .models import EmailSuppression, NotificationDelivery

logger = logging.getLogger(__name__)
Status = NotificationDelivery.Status

# --- email (anymail) --------------------------------------------------------------------
_EMAIL_STATUS = {
    EventType.QUEUED: Status.SENT,
    EventType.SENT: Status.SENT,
    EventType.DELIVERED: Status.DELIVERED,
    EventType.BOUNCED: Status.BOUNCED,
    EventType.COMPLAINED: Status.BOUNCED,
    EventType.REJECTED: Status.FAILED,
    EventType.FAILED: Status.FAILED,
}
# A "dropped" message whose address is already known bad is as good as a hard bounce.
_HARD_REJECT_REASONS = {"bounced", "invalid"}


@method_decorator(csrf_exempt, name="dispatch")
class EmailTrackingWebhookView(SendGridTrackingWebhookView):
    """anymail's SendGrid tracking view, refusing to run without its basic-auth secret.

    Overriding dispatch() drops the csrf_exempt anymail puts on its own; it is restored
    here, or every SendGrid post would meet a 403 "CSRF cookie not set"."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
            return HttpResponseForbidden("Email webhook is not configured (ANYMAIL_WEBHOOK_SECRET).")
        return super().dispatch(request, *args, **kwargs)


def _is_hard_bounce(event: AnymailTrackingEvent) -> bool:
    if event.event_type == EventType.COMPLAINED:
        return True
    if event.event_type == EventType.BOUNCED:
        # SendGrid reports temporary blocks as bounces of type "blocked": not permanent.
        esp_type = (getattr(event, "esp_event", None) or {}).get("type", "bounce")
        return str(esp_type).lower() != "blocked"
    if event.event_type == EventType.REJECTED:
        return str(event.reject_reason or "") in _HARD_REJECT_REASONS
    return False


@receiver(tracking, dispatch_uid="notifications.email_tracking")
def handle_email_event(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs):
    status = _EMAIL_STATUS.get(event.event_type)
    delivery_id = (event.metadata or {}).get("delivery_id")
    if status:
        error = ""
        if status in (Status.BOUNCED, Status.FAILED):
            error = f"{event.event_type}: {event.reject_reason or ''} {event.mta_response or event.description or ''}"
        delivery.record_provider_status(
            delivery_id=_uuid_or_none(delivery_id), provider_id=event.message_id or "", status=status,
            error=error.strip(),
        )
    if event.recipient and _is_hard_bounce(event):
        reason = EmailSuppression.Reason.COMPLAINED if event.event_type == EventType.COMPLAINED else (
            EmailSuppression.Reason.BOUNCED
        )
        services.email_suppress(email=event.recipient, reason=reason, detail=str(event.mta_response or "")[:500])


def _uuid_or_none(value):
    import uuid

    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


# --- Twilio -----------------------------------------------------------------------------
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
START_WORDS = {"START", "YES", "UNSTOP", "OPTIN"}
_SMS_STATUS = {
    "queued": None, "accepted": None, "sending": None, "scheduled": None,
    "sent": Status.SENT,
    "delivered": Status.DELIVERED,
    "undelivered": Status.FAILED,
    "failed": Status.FAILED,
}
OPTED_OUT_ERROR = "21610"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def twilio_signature_valid(request) -> bool:
    from twilio.request_validator import RequestValidator

    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    # Twilio signs the public URL it called; behind the load balancer that is SITE_URL.
    url = absolute_url(request.get_full_path())
    return RequestValidator(token).validate(url, request.POST.dict(), signature)


@csrf_exempt
@require_POST
def twilio_webhook(request):
    if not twilio_signature_valid(request):
        logger.warning("rejected a Twilio webhook with a missing or bad signature")
        return HttpResponseForbidden("Invalid Twilio signature.")
    post = request.POST
    delivery_id = _uuid_or_none(request.GET.get("delivery"))
    if delivery_id is not None or ("MessageStatus" in post and "Body" not in post):
        _status_callback(delivery_id, post)
        return HttpResponse(status=204)
    _inbound(post)
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


def _status_callback(delivery_id, post) -> None:
    status = _SMS_STATUS.get(post.get("MessageStatus", "").lower())
    if status is None:
        return
    error_code = post.get("ErrorCode", "")
    error = f"Twilio {post.get('MessageStatus')} (error {error_code})" if error_code else ""
    delivery.record_provider_status(
        delivery_id=delivery_id, provider_id=post.get("MessageSid", ""), status=status, error=error
    )
    if error_code == OPTED_OUT_ERROR and post.get("To"):
        services.sms_opt_out(phone=post["To"])


def _inbound(post) -> None:
    phone = post.get("From", "")
    word = post.get("Body", "").strip().upper()
    if not phone:
        return
    if word in STOP_WORDS:
        services.sms_opt_out(phone=phone)
    elif word in START_WORDS:
        services.sms_opt_in(phone=phone)
    # Anything else is ignored; Twilio's own opt-out handling answers HELP.
