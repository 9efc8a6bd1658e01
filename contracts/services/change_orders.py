"""Change orders: either party proposes a change to the unfunded part of a contract, the
other accepts or declines. Accepting versions the contract (ContractVersion keeps every
version) and re-prices only milestones nobody has started paying for.

Funded money never changes here: a milestone that is funded, or has a payment in progress
(an open checkout carries the old amount), cannot be re-priced or removed; that is what
refunds and disputes are for.

Concurrency: `change_order_accept` locks the job and the contract, then every milestone of
the contract (by position), the order of core.locks that funding follows too (job, contract,
milestone). A funding racing an acceptance therefore runs strictly before or after it:
before, the acceptance finds the milestone funded (or its payment open) and refuses with
409; after, the funding charges the new amount and fee.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

import audit
from core.exceptions import InvalidState, PermissionDenied, ValidationFailed
from core.fsm import check_transition
from core.money import MAX_AMOUNT_CENTS, fee_cents, format_cents
from notifications import notify
from payments.models import Payment

from ..models import ChangeOrder, ChangeOrderItem, Contract, ContractVersion, Milestone
from .common import lock_contract
from .completion import contract_complete_if_done

MAX_MILESTONES = 10
OPEN_CONTRACT = {Contract.Status.AWAITING_FUNDING, Contract.Status.ACTIVE}
OPEN_PAYMENT = (Payment.Status.PENDING, Payment.Status.FAILED)


@dataclass
class Change:
    """One requested change, as the form or the API gives it."""

    kind: str  # add | remove | update
    milestone_id: object = None
    title: str = ""
    amount_cents: int | None = None


def _party(contract, actor) -> str:
    if actor is not None and actor.pk == contract.homeowner_id:
        return "homeowner"
    if actor is not None and actor.pk == contract.contractor_id:
        return "contractor"
    raise PermissionDenied("Only the homeowner and the contractor change their contract.")


def _other(contract, actor):
    return contract.contractor if actor.pk == contract.homeowner_id else contract.homeowner


def changeable(milestone: Milestone, open_payments: set) -> str:
    """'' when the milestone may still change, otherwise why not."""
    if milestone.status != Milestone.Status.UNFUNDED:
        return f"Milestone {milestone.position} is {milestone.get_status_display().lower()}: its money is fixed."
    if milestone.pk in open_payments:
        return f"A payment for milestone {milestone.position} is in progress: its amount is fixed."
    return ""


def _open_payments(contract) -> set:
    return set(Payment.objects.filter(milestone__contract=contract, status__in=OPEN_PAYMENT)
               .values_list("milestone_id", flat=True))


def _validate(contract, milestones: dict, changes: list[Change], new_start, new_days, open_payments) -> None:
    errors: list[str] = []
    touched = set()
    count = len(milestones)
    if not changes and new_start is None and new_days is None:
        raise ValidationFailed("Change at least one milestone or the timeline.")
    for change in changes:
        if change.kind not in ("add", "remove", "update"):
            errors.append(f"Unknown change {change.kind!r}.")
            continue
        if change.kind in ("add", "update"):
            title = (change.title or "").strip()
            if not title or len(title) > 120:
                errors.append("Every milestone needs a title of at most 120 characters.")
            amount = change.amount_cents
            if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_AMOUNT_CENTS:
                errors.append(f"Milestone amounts must be more than $0.00 and at most {format_cents(MAX_AMOUNT_CENTS)}.")
        if change.kind == "add":
            count += 1
            continue
        milestone = milestones.get(change.milestone_id)
        if milestone is None:
            errors.append("That milestone is not part of this contract.")
            continue
        if milestone.pk in touched:
            errors.append(f"Milestone {milestone.position} is changed twice.")
        touched.add(milestone.pk)
        if why := changeable(milestone, open_payments):
            errors.append(why)
        if change.kind == "remove":
            count -= 1
        elif change.title.strip() == milestone.title and change.amount_cents == milestone.amount_cents:
            errors.append(f"Milestone {milestone.position} is unchanged.")
    if count < 1:
        errors.append("A contract keeps at least one milestone; cancel it instead.")
    if count > MAX_MILESTONES:
        errors.append(f"A contract has at most {MAX_MILESTONES} milestones.")
    if new_start is not None and not isinstance(new_start, date):
        errors.append("Choose a valid start date.")
    if new_days is not None and (not isinstance(new_days, int) or not 1 <= new_days <= 730):
        errors.append("The estimated duration must be between 1 and 730 days.")
    if errors:
        raise ValidationFailed(errors[0], fields={"changes": list(dict.fromkeys(errors))})


def change_order_propose(*, actor, contract_id, changes: list[Change], reason: str, new_start=None,
                         new_estimated_days=None, request=None) -> ChangeOrder:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Say why you propose this change.", fields={"reason": ["Required."]})
    if len(reason) > 2000:
        raise ValidationFailed("At most 2000 characters.", fields={"reason": ["Too long."]})
    with transaction.atomic():
        contract = lock_contract(contract_id)
        _party(contract, actor)
        if contract.status not in OPEN_CONTRACT:
            raise InvalidState(f"This contract is {contract.get_status_display().lower()}; it can no longer change.")
        if ChangeOrder.objects.filter(contract=contract, status=ChangeOrder.Status.PENDING).exists():
            raise InvalidState("A change is already waiting for an answer; it must be accepted, declined or "
                               "withdrawn first.")
        milestones = {m.pk: m for m in contract.milestones.all()}
        if new_start == contract.current_start:
            new_start = None
        if new_estimated_days == contract.current_estimated_days:
            new_estimated_days = None
        _validate(contract, milestones, changes, new_start, new_estimated_days, _open_payments(contract))
        number = (ChangeOrder.objects.filter(contract=contract).aggregate(n=Max("number"))["n"] or 0) + 1
        order = ChangeOrder.objects.create(contract=contract, number=number, proposed_by=actor,
                                           base_version=contract.version, reason=reason, new_start=new_start,
                                           new_estimated_days=new_estimated_days)
        for change in changes:
            old = milestones.get(change.milestone_id)
            ChangeOrderItem.objects.create(
                change_order=order, kind=change.kind, milestone=old,
                old_title=old.title if old else "", old_amount_cents=old.amount_cents if old else None,
                title=(change.title or "").strip() if change.kind != "remove" else "",
                amount_cents=change.amount_cents if change.kind != "remove" else None,
                fee_cents=fee_cents(change.amount_cents, contract.fee_bps) if change.kind != "remove" else None,
            )
        audit.record(actor, "change_order.proposed", order, request, contract=str(contract.pk),
                     items=len(changes), base_version=contract.version)
        notify("change_order.proposed", _other(contract, actor), {
            "job_title": contract.job.title, "proposed_by_name": actor.display_name, "summary": summary(order),
            "url": order_url(order)}, target=order)
    return order


def change_order_accept(*, actor, change_order_id, request=None) -> ContractVersion:
    with transaction.atomic():
        contract_id = ChangeOrder.objects.values_list("contract_id", flat=True).get(pk=change_order_id)
        # core.locks: job, contract, then the milestones (by position), then the change order.
        contract = lock_contract(contract_id)
        milestones = {m.pk: m for m in Milestone.objects.select_for_update().filter(contract_id=contract_id)
                      .order_by("position")}
        order = ChangeOrder.objects.select_for_update().get(pk=change_order_id)
        _answerer(order, contract, actor)
        check_transition(ChangeOrder.TRANSITIONS, order.status, ChangeOrder.Status.ACCEPTED, label="change order")
        if contract.status not in OPEN_CONTRACT:
            raise InvalidState(f"This contract is {contract.get_status_display().lower()}; it can no longer change.")
        if order.base_version != contract.version:
            raise InvalidState("The contract changed since this was proposed; ask for a new proposal.")
        items = list(order.items.all())
        open_payments = _open_payments(contract)
        for item in items:
            if item.kind != ChangeOrderItem.Kind.ADD:
                milestone = milestones.get(item.milestone_id)
                why = "That milestone no longer exists." if milestone is None else changeable(milestone, open_payments)
                if why:
                    raise InvalidState(why + " This change can no longer apply; decline it and propose a new one.")
        if not contract.versions.exists():
            _snapshot(contract, list(milestones.values()), number=contract.version, order=None)
        next_position = max((m.position for m in milestones.values()), default=0) + 1
        for item in items:
            if item.kind == ChangeOrderItem.Kind.ADD:
                milestones_new = Milestone.objects.create(
                    contract=contract, position=next_position, title=item.title, amount_cents=item.amount_cents,
                    fee_cents=fee_cents(item.amount_cents, contract.fee_bps))
                milestones[milestones_new.pk] = milestones_new
                next_position += 1
            elif item.kind == ChangeOrderItem.Kind.REMOVE:
                milestone = milestones.pop(item.milestone_id)
                if milestone.payments.exists():
                    raise InvalidState(f"A payment was once started for milestone {milestone.position}; it stays. "
                                       "Change its amount instead.")
                milestone.delete()
            else:
                milestone = milestones[item.milestone_id]
                milestone.title = item.title
                milestone.amount_cents = item.amount_cents
                milestone.fee_cents = fee_cents(item.amount_cents, contract.fee_bps)
                milestone.save(update_fields=["title", "amount_cents", "fee_cents", "updated_at"])
        now = timezone.now()
        contract.total_cents = sum(m.amount_cents for m in milestones.values())
        contract.version += 1
        if order.new_start:
            contract.start_on = order.new_start
        if order.new_estimated_days:
            contract.estimated_days = order.new_estimated_days
        contract.save(update_fields=["total_cents", "version", "start_on", "estimated_days", "updated_at"])
        order.status = ChangeOrder.Status.ACCEPTED
        order.decided_by, order.decided_at = actor, now
        order.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        version = _snapshot(contract, sorted(milestones.values(), key=lambda m: m.position), number=contract.version,
                            order=order)
        audit.record(actor, "change_order.accepted", order, request, contract=str(contract.pk),
                     version=contract.version, total_cents=contract.total_cents)
        notify("change_order.decided", order.proposed_by, {
            "job_title": contract.job.title, "decided_by_name": actor.display_name, "decision": "accepted",
            "summary": summary(order), "version": contract.version, "url": order_url(order)}, target=order)
        # Removing the last open milestone can finish a contract whose other milestones are closed.
        contract_complete_if_done(contract=contract)
    return version


def change_order_decline(*, actor, change_order_id, note: str = "", request=None) -> ChangeOrder:
    return _close(actor, change_order_id, ChangeOrder.Status.DECLINED, note=note, request=request)


def change_order_withdraw(*, actor, change_order_id, request=None) -> ChangeOrder:
    return _close(actor, change_order_id, ChangeOrder.Status.WITHDRAWN, request=request)


def _answerer(order, contract, actor) -> None:
    _party(contract, actor)
    if actor.pk == order.proposed_by_id:
        raise PermissionDenied("The other party answers a change you proposed; you can withdraw it.")


@transaction.atomic
def _close(actor, change_order_id, status, *, note: str = "", request=None) -> ChangeOrder:
    order = ChangeOrder.objects.select_for_update().select_related("contract__job", "contract__homeowner",
                                                                   "contract__contractor").get(pk=change_order_id)
    contract = order.contract
    if status == ChangeOrder.Status.WITHDRAWN:
        _party(contract, actor)
        if actor.pk != order.proposed_by_id:
            raise PermissionDenied("Only the party who proposed a change withdraws it; you can decline it.")
    else:
        _answerer(order, contract, actor)
    check_transition(ChangeOrder.TRANSITIONS, order.status, status, label="change order")
    order.status = status
    order.decided_by, order.decided_at = actor, timezone.now()
    order.decline_note = (note or "").strip()[:1000]
    order.save(update_fields=["status", "decided_by", "decided_at", "decline_note", "updated_at"])
    audit.record(actor, f"change_order.{status}", order, request, contract=str(contract.pk))
    if status == ChangeOrder.Status.DECLINED:
        notify("change_order.decided", order.proposed_by, {
            "job_title": contract.job.title, "decided_by_name": actor.display_name, "decision": "declined",
            "summary": summary(order), "url": order_url(order)}, target=order)
    return order


def _snapshot(contract, milestones, *, number: int, order) -> ContractVersion:
    rows = [{"position": m.position, "title": m.title, "amount_cents": m.amount_cents, "fee_cents": m.fee_cents,
             "status": m.status} for m in milestones]
    return ContractVersion.objects.create(
        contract=contract, number=number, change_order=order, total_cents=sum(r["amount_cents"] for r in rows),
        fee_total_cents=sum(r["fee_cents"] for r in rows), start_on=contract.current_start,
        estimated_days=contract.current_estimated_days, milestones=rows)


def order_url(order) -> str:
    return reverse("contracts:change_order", args=[order.contract_id, order.pk])


def summary(order) -> str:
    """One line per change, in words and amounts (notifications, emails, the history)."""
    lines = []
    for item in order.items.all():
        if item.kind == ChangeOrderItem.Kind.ADD:
            lines.append(f"Add “{item.title}”: {format_cents(item.amount_cents)}.")
        elif item.kind == ChangeOrderItem.Kind.REMOVE:
            lines.append(f"Remove “{item.old_title}” ({format_cents(item.old_amount_cents)}).")
        else:
            price = (f"{format_cents(item.old_amount_cents)} → {format_cents(item.amount_cents)}"
                     if item.old_amount_cents != item.amount_cents else format_cents(item.amount_cents))
            name = item.title if item.title == item.old_title else f"“{item.old_title}” → “{item.title}”"
            lines.append(f"Change {name if name.startswith('“') else '“' + name + '”'}: {price}.")
    if order.new_start:
        lines.append(f"Start on {order.new_start:%b %-d, %Y}.")
    if order.new_estimated_days:
        lines.append(f"Take {order.new_estimated_days} days.")
    return " ".join(lines)
