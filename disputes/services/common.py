"""Helpers shared by the dispute services: locking, the timeline, notifications."""

import logging

from django.db import transaction
from django.urls import reverse

import audit
from contracts import services as contract_services
from contracts.models import Milestone
from core.exceptions import InvalidState, PermissionDenied

from ..models import Dispute, DisputeEvent

logger = logging.getLogger(__name__)


def lock_milestone(milestone_id) -> Milestone:
    """Job, contract, milestone (contracts.services.lock_milestone); the dispute, its offers
    and the money rows come after it (core.locks)."""
    return contract_services.lock_milestone(milestone_id)


def lock_dispute(dispute_id) -> Dispute:
    # of=("self",): the dispute row only. Locking the joined contract/job/milestone in the
    # same statement would take them in no defined order (core.locks).
    return Dispute.objects.select_for_update(of=("self",)).select_related(
        "contract__job", "contract__homeowner", "contract__contractor", "milestone").get(pk=dispute_id)


def lock_both(dispute_id) -> tuple[Milestone, Dispute]:
    milestone_id = Dispute.objects.values_list("milestone_id", flat=True).get(pk=dispute_id)
    milestone = lock_milestone(milestone_id)
    return milestone, lock_dispute(dispute_id)


def require_party(dispute: Dispute, actor) -> str:
    role = dispute.party_role(actor)
    if role is None:
        raise PermissionDenied("Only the homeowner and the contractor of this contract can do that.")
    return role


def require_open(dispute: Dispute) -> None:
    if not dispute.is_open:
        raise InvalidState(f"This dispute is {dispute.get_status_display().lower()}; nothing more can be done in it.")


def event(dispute: Dispute, kind: str, actor=None, text: str = "") -> DisputeEvent:
    return DisputeEvent.objects.create(dispute=dispute, kind=kind, actor=actor, text=text[:500])


def dispute_url(dispute: Dispute) -> str:
    return reverse("disputes:detail", args=[dispute.pk])


def send_later(event_key: str, recipients, context: dict, target=None, *, key: str = "") -> None:
    """Notify after commit: a rolled-back action sends nothing, and a notification problem
    never undoes a dispute step (or its money)."""
    recipients = [r for r in recipients if r is not None]
    if not recipients:
        return

    def go():
        from notifications import notify

        try:
            notify(event_key, recipients, context, target, key=key)
        except Exception:
            logger.exception("notify(%s) failed for dispute %s", event_key, getattr(target, "pk", None))

    transaction.on_commit(go)


def record(actor, action: str, dispute: Dispute, request=None, **data) -> None:
    audit.record(actor, action, dispute, request=request, milestone=str(dispute.milestone_id), **data)


def base_context(dispute: Dispute) -> dict:
    return {"job_title": dispute.contract.job.title, "url": dispute_url(dispute)}
