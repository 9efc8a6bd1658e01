"""Settlement offers: a split of the milestone between the contractor and a refund.
An offer accepted by whoever must accept it resolves the dispute at once."""

from django.db import transaction
from django.utils import timezone

from core.exceptions import InvalidState, PermissionDenied, ValidationFailed
from core.fsm import check_transition
from core.money import format_cents

from ..models import Dispute, DisputeEvent, Offer
from .common import base_context, event, lock_both, lock_dispute, record, require_open, require_party, send_later
from .outcome import resolve_locked

NOTE_MAX = 1000


def _clean_amount(dispute: Dispute, contractor_amount_cents) -> int:
    field = "contractor_amount_cents"
    if (not isinstance(contractor_amount_cents, int) or isinstance(contractor_amount_cents, bool)):
        raise ValidationFailed("Enter the contractor's share in cents, as a whole number.",
                               fields={field: ["Enter a whole number of cents."]})
    if contractor_amount_cents < 0:
        raise ValidationFailed("The contractor's share cannot be negative.", fields={field: ["Cannot be negative."]})
    if contractor_amount_cents > dispute.amount_cents:
        message = f"The contractor's share can be at most the milestone amount, {format_cents(dispute.amount_cents)}."
        raise ValidationFailed(message, fields={field: [message]})
    return contractor_amount_cents


def offer_make(*, actor, dispute_id, contractor_amount_cents: int, note: str = "", request=None) -> Offer:
    """A party proposes a split (staff may propose one too, for both parties to accept).
    A newer offer from the same side replaces its pending one."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed(f"At most {NOTE_MAX} characters.", fields={"note": [f"At most {NOTE_MAX} characters."]})
    with transaction.atomic():
        dispute = lock_dispute(dispute_id)
        staff = bool(actor and actor.is_staff and dispute.party_role(actor) is None)
        if not staff:
            require_party(dispute, actor)
        require_open(dispute)
        amount = _clean_amount(dispute, contractor_amount_cents)
        now = timezone.now()
        Offer.objects.filter(dispute=dispute, status=Offer.Status.PENDING, by_staff=staff,
                             **({} if staff else {"made_by": actor})).update(
            status=Offer.Status.SUPERSEDED, decided_at=now, updated_at=now)
        offer = Offer.objects.create(dispute=dispute, made_by=actor, by_staff=staff, contractor_amount_cents=amount,
                                     refund_cents=dispute.amount_cents - amount, note=note)
        record(actor, "dispute.offer_made", dispute, request=request, offer=str(offer.pk),
               contractor_amount_cents=amount, refund_cents=offer.refund_cents, staff=staff)
        contract = dispute.contract
        recipients = [contract.homeowner, contract.contractor] if staff else [dispute.other_party(actor)]
        send_later("dispute.offer_made", recipients, {
            **base_context(dispute), "milestone_title": dispute.milestone.title,
            "offered_by_name": "FairTradeWorker staff" if staff else actor.display_name,
            "contractor_amount_cents": amount, "refund_cents": offer.refund_cents,
        }, dispute, key=f"offer:{offer.pk}")
    return offer


def _answerable(offer: Offer, dispute: Dispute, actor) -> str:
    role = require_party(dispute, actor)
    if offer.status != Offer.Status.PENDING:
        raise InvalidState(f"This offer is {offer.get_status_display().lower()}; it can no longer be answered.")
    require_open(dispute)
    if not offer.by_staff and offer.made_by_id == actor.pk:
        raise PermissionDenied("You cannot accept or reject your own offer; the other party answers it.")
    return role


def _lock_offer(offer_id) -> tuple:
    dispute_id = Offer.objects.values_list("dispute_id", flat=True).get(pk=offer_id)
    milestone, dispute = lock_both(dispute_id)
    offer = Offer.objects.select_for_update().get(pk=offer_id)
    return milestone, dispute, offer


def offer_accept(*, actor, offer_id, request=None) -> Offer:
    with transaction.atomic():
        milestone, dispute, offer = _lock_offer(offer_id)
        role = _answerable(offer, dispute, actor)
        now = timezone.now()
        setattr(offer, f"{role}_accepted_at", now)
        complete = not offer.by_staff or (offer.homeowner_accepted_at and offer.contractor_accepted_at)
        record(actor, "dispute.offer_accepted", dispute, request=request, offer=str(offer.pk), complete=bool(complete))
        if not complete:
            offer.save(update_fields=["homeowner_accepted_at", "contractor_accepted_at", "updated_at"])
            event(dispute, DisputeEvent.Kind.OFFER_ACCEPTED, actor,
                  f"{actor.display_name} accepted the staff proposal; waiting for the other party.")
            return offer
        check_transition(Offer.TRANSITIONS, offer.status, Offer.Status.ACCEPTED, label="offer")
        offer.status = Offer.Status.ACCEPTED
        offer.decided_by = actor
        offer.decided_at = now
        offer.save()
        event(dispute, DisputeEvent.Kind.OFFER_ACCEPTED, actor,
              f"{actor.display_name} accepted: {format_cents(offer.contractor_amount_cents)} to the contractor, "
              f"{format_cents(offer.refund_cents)} back to the homeowner.")
        resolve_locked(milestone=milestone, dispute=dispute, contractor_cents=offer.contractor_amount_cents,
                       actor=actor, reason="Settlement offer accepted by both parties.", offer=offer, request=request)
    return offer


def offer_reject(*, actor, offer_id, request=None) -> Offer:
    with transaction.atomic():
        _, dispute, offer = _lock_offer(offer_id)
        _answerable(offer, dispute, actor)
        check_transition(Offer.TRANSITIONS, offer.status, Offer.Status.REJECTED, label="offer")
        offer.status = Offer.Status.REJECTED
        offer.decided_by = actor
        offer.decided_at = timezone.now()
        offer.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        event(dispute, DisputeEvent.Kind.OFFER_REJECTED, actor, f"{actor.display_name} rejected an offer.")
        record(actor, "dispute.offer_rejected", dispute, request=request, offer=str(offer.pk))
        recipients = [offer.made_by] if not offer.by_staff else []
        send_later("dispute.message", recipients, {
            **base_context(dispute), "author_name": actor.display_name,
            "excerpt": f"Rejected your offer of {format_cents(offer.contractor_amount_cents)} to the contractor.",
        }, dispute, key=f"offer-rejected:{offer.pk}")
    return offer
