"""Stripe webhooks: verified against the raw body, stored by event id, applied once.

Every handler is idempotent and only moves state forward, so an event may arrive twice,
late, or before the API answer that it confirms (a worker killed after Stripe answered):
the state ends the same. Objects are matched by OUR ids in metadata first (they exist
before Stripe's ids reach our database), Stripe's ids second.
"""

import json
import logging
import uuid
from datetime import UTC, datetime

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..alerts import alert_staff
from ..gateways import AccountState
from ..gateways.stripe_gateway import build_client
from ..models import Payment, Refund, Release, WebhookEvent
from .accounts import payout_account_apply
from .chargebacks import chargeback_apply, payment_for_charge
from .funding import payment_mark_expired, payment_mark_failed, payment_mark_succeeded
from .refunds import refund_apply_status, refund_record_outside
from .releases import release_mark_reversed, release_mark_succeeded

logger = logging.getLogger(__name__)


class BadSignature(Exception):
    pass


def verify(payload: bytes, signature: str | None) -> dict:
    """construct_event on the raw body; returns the event as a plain dict."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        logger.error("STRIPE_WEBHOOK_SECRET is not set: refusing every webhook")
        raise BadSignature("Webhook secret not configured.")
    try:
        if settings.STRIPE_SECRET_KEY:
            event = build_client().construct_event(payload, signature, secret)
        else:
            event = stripe.Webhook.construct_event(payload, signature, secret)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise BadSignature(str(exc)) from exc
    body = json.loads(payload)
    if body.get("id") != event.id or not body.get("type"):
        raise BadSignature("Malformed event.")
    return body


def _timestamp(value) -> datetime | None:
    """Stripe's `created`, or None if it is not a time we can represent (it is kept in the payload)."""
    try:
        return datetime.fromtimestamp(value, tz=UTC) if value else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def webhook_receive(payload: bytes, signature: str | None) -> WebhookEvent:
    """Store (or find) the event, then apply it unless it was already applied."""
    body = verify(payload, signature)
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(
                event_id=str(body["id"])[:80], type=str(body["type"])[:80], livemode=bool(body.get("livemode")),
                api_version=str(body.get("api_version") or "")[:40], payload=body,
                stripe_created=_timestamp(body.get("created")),
            )
    except IntegrityError:
        WebhookEvent.objects.filter(event_id=body["id"]).update(deliveries=F("deliveries") + 1)
        event = WebhookEvent.objects.get(event_id=body["id"])
    return webhook_apply(event.pk)


def webhook_apply(event_pk) -> WebhookEvent:
    """Apply a stored event. An event our code cannot apply (bad data, a bug) is marked
    failed with the reason and staff are alerted; it is never an error answer to Stripe:
    retrying the same payload for three days cannot help. Staff apply it again from admin
    once the cause is fixed (and a repeat delivery tries again too)."""
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.select_for_update().get(pk=event_pk)
            if event.status in (WebhookEvent.Status.PROCESSED, WebhookEvent.Status.IGNORED):
                return event  # a repeat delivery: applied once already
            handler = HANDLERS.get(event.type)
            note = handler(event.payload) if handler else "No handler for this event type; stored only."
            event.status = WebhookEvent.Status.IGNORED if note else WebhookEvent.Status.PROCESSED
            event.note = note or ""
            event.processed_at = timezone.now()
            event.save(update_fields=["status", "note", "processed_at", "updated_at"])
            return event
    except Exception as exc:
        logger.exception("webhook %s failed", event_pk)
        reason = f"{exc.__class__.__name__}: {exc}"[:2000]
        WebhookEvent.objects.filter(pk=event_pk).update(status=WebhookEvent.Status.FAILED, note=reason,
                                                        updated_at=timezone.now())
        event = WebhookEvent.objects.get(pk=event_pk)
        alert_staff("webhook.failed", event, "A signed Stripe event could not be applied.", type=event.type,
                    event=event.event_id, reason=reason[:500])
        return event


# --- matching -------------------------------------------------------------------------
def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _find(model, our_id, **provider_ids):
    pk = _uuid(our_id)
    if pk is not None:
        row = model.objects.filter(pk=pk).first()
        if row is not None:
            return row
    for field, value in provider_ids.items():
        if value:
            row = model.objects.filter(**{field: value}).first()
            if row is not None:
                return row
    return None


def _obj(body: dict) -> dict:
    return body["data"]["object"]


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _charge_id(value) -> str:
    if isinstance(value, dict):
        return value.get("id", "")
    return value or ""


# --- handlers: return None when applied, or a note saying why nothing was done ------------
def _checkout_completed(body):
    session = _obj(body)
    payment = _find(Payment, _meta(session).get("payment_id") or session.get("client_reference_id"),
                    checkout_session_id=session.get("id"))
    if payment is None:
        return "No payment matches this Checkout Session."
    if session.get("payment_status") not in ("paid", "no_payment_required"):
        return "Session complete but not paid yet (asynchronous payment method)."
    payment_mark_succeeded(payment_id=payment.pk, payment_intent_id=session.get("payment_intent") or "",
                           amount_total=session.get("amount_total"), currency=session.get("currency"),
                           source=body["type"])
    return None


def _checkout_failed(body):
    session = _obj(body)
    payment = _find(Payment, _meta(session).get("payment_id"), checkout_session_id=session.get("id"))
    if payment is None:
        return "No payment matches this Checkout Session."
    payment_mark_failed(payment_id=payment.pk, message="The bank did not complete the payment.")
    return None


def _checkout_expired(body):
    session = _obj(body)
    payment = _find(Payment, _meta(session).get("payment_id"), checkout_session_id=session.get("id"))
    if payment is None:
        return "No payment matches this Checkout Session."
    payment_mark_expired(payment_id=payment.pk)
    return None


def _intent_succeeded(body):
    intent = _obj(body)
    payment = _find(Payment, _meta(intent).get("payment_id"), payment_intent_id=intent.get("id"))
    if payment is None:
        return "No payment matches this PaymentIntent."
    payment_mark_succeeded(payment_id=payment.pk, payment_intent_id=intent["id"],
                           charge_id=_charge_id(intent.get("latest_charge")),
                           amount_total=intent.get("amount_received"), currency=intent.get("currency"),
                           source=body["type"])
    return None


def _intent_failed(body):
    intent = _obj(body)
    payment = _find(Payment, _meta(intent).get("payment_id"), payment_intent_id=intent.get("id"))
    if payment is None:
        return "No payment matches this PaymentIntent."
    error = intent.get("last_payment_error") or {}
    payment_mark_failed(payment_id=payment.pk, message=error.get("message") or "The card was declined.")
    return None


def _apply_refund_object(refund_obj, source) -> bool:
    """A refund at Stripe: ours (matched by our id in metadata, fee refunds migrated from
    disputes carry `fee_refund_id`, or by Stripe's id), else one made outside our code on
    one of our charges (the Stripe dashboard), which is recorded and booked."""
    meta = _meta(refund_obj)
    refund = _find(Refund, meta.get("refund_id") or meta.get("fee_refund_id"), refund_id=refund_obj.get("id"))
    if refund is not None:
        refund_apply_status(refund_id=refund.pk, provider_id=refund_obj["id"], status=refund_obj.get("status", ""),
                            amount_cents=refund_obj.get("amount"), source=source)
        return True
    payment = payment_for_charge(refund_obj)  # the same payment_intent / charge matching
    if payment is None or payment.status != Payment.Status.SUCCEEDED:
        return False
    return refund_record_outside(payment=payment, provider_id=refund_obj.get("id", ""),
                                 amount_cents=refund_obj.get("amount"), currency=refund_obj.get("currency", ""),
                                 status=refund_obj.get("status", ""), reason=refund_obj.get("reason") or "") is not None


def _charge_refunded(body):
    charge = _obj(body)
    refunds = (charge.get("refunds") or {}).get("data") or []
    matched = [_apply_refund_object(dict(r, charge=r.get("charge") or charge.get("id"),
                                         payment_intent=r.get("payment_intent") or charge.get("payment_intent")),
                                    body["type"]) for r in refunds]
    if not any(matched):
        # Recent API versions no longer embed refunds in charges: refund.* events carry them.
        return "No refund in this charge matches a payment of ours (refund.* events apply them)."
    return None


def _refund_event(body):
    return None if _apply_refund_object(_obj(body), body["type"]) else "No refund or payment matches this object."


def _dispute_event(body):
    if chargeback_apply(dispute=_obj(body), source=body["type"]) is None:
        return "No payment matches this dispute."
    return None


def _transfer_created(body):
    transfer = _obj(body)
    release = _find(Release, _meta(transfer).get("release_id"), transfer_id=transfer.get("id"))
    if release is None:
        return "No release matches this transfer."
    release_mark_succeeded(release_id=release.pk, transfer_id=transfer["id"], amount_cents=transfer.get("amount"),
                           source=body["type"])
    return None


def _transfer_reversed(body):
    transfer = _obj(body)
    release = _find(Release, _meta(transfer).get("release_id"), transfer_id=transfer.get("id"))
    if release is None:
        return "No release matches this transfer."
    reversals = (transfer.get("reversals") or {}).get("data") or []
    release_mark_reversed(release_id=release.pk, amount_reversed=transfer.get("amount_reversed") or 0,
                          reversal_id=reversals[0]["id"] if reversals else "")
    return None


def _account_updated(body):
    account = _obj(body)
    requirements = account.get("requirements") or {}
    due = sorted(set((requirements.get("past_due") or []) + (requirements.get("currently_due") or [])))
    state = AccountState(account_id=account["id"], payouts_enabled=bool(account.get("payouts_enabled")),
                         charges_enabled=bool(account.get("charges_enabled")),
                         details_submitted=bool(account.get("details_submitted")), requirements_due=due)
    as_of = datetime.fromtimestamp(body.get("created") or 0, tz=UTC)
    if payout_account_apply(account_id=account["id"], state=state, as_of=as_of) is None:
        return "No payout account matches."
    return None


HANDLERS = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _checkout_completed,
    "checkout.session.async_payment_failed": _checkout_failed,
    "checkout.session.expired": _checkout_expired,
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.payment_failed": _intent_failed,
    "charge.refunded": _charge_refunded,
    "refund.created": _refund_event,
    "refund.updated": _refund_event,
    "refund.failed": _refund_event,
    "charge.refund.updated": _refund_event,
    "charge.dispute.created": _dispute_event,
    "charge.dispute.updated": _dispute_event,
    "charge.dispute.funds_withdrawn": _dispute_event,
    "charge.dispute.funds_reinstated": _dispute_event,
    "charge.dispute.closed": _dispute_event,
    "transfer.created": _transfer_created,
    "transfer.reversed": _transfer_reversed,
    "account.updated": _account_updated,
}
