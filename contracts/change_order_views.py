"""Change-order pages: propose (the parties), read (the parties and staff), accept, decline,
withdraw. Thin: the rules are in change_orders.py; visibility in selectors (404 outside)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jobs.web import run_action, run_form_once

from . import selectors
from .change_order_forms import ChangeOrderForm
from .models import ChangeOrder, ChangeOrderItem
from .services import change_orders as service


def _editable(contract):
    open_payments = service._open_payments(contract)
    return [m for m in contract.milestones.all() if not service.changeable(m, open_payments)]


@login_required
def propose(request, pk):
    contract = selectors.contract_for(request.user, pk)
    if request.user.pk not in (contract.homeowner_id, contract.contractor_id):
        raise Http404
    form = ChangeOrderForm(request.POST or None, contract=contract, editable=_editable(contract))
    if request.method == "POST" and form.is_valid():
        done = run_form_once(request, form, lambda: service.change_order_propose(
            actor=request.user, contract_id=contract.pk, changes=form.changes(), reason=form.cleaned_data["reason"],
            new_start=form.cleaned_data["start"], new_estimated_days=form.cleaned_data["days"], request=request),
            scope="contracts.change_order", result_url=service.order_url,
            success="Change proposed. Nothing changes until the other party accepts it.")
        if done:
            return redirect(done)
    return render(request, "contracts/change_order_form.html", {"contract": contract, "form": form})


def order_for(user, contract_pk, pk) -> ChangeOrder:
    contract = selectors.contract_for(user, contract_pk)
    items = ChangeOrderItem.objects.order_by("created_at")
    return get_object_or_404(
        ChangeOrder.objects.select_related("proposed_by", "decided_by", "version")
        .prefetch_related(Prefetch("items", queryset=items)), contract=contract, pk=pk)


@login_required
def detail(request, pk, order_id):
    order = order_for(request.user, pk, order_id)
    contract = order.contract
    milestones = list(contract.milestones.all())
    return render(request, "contracts/change_order.html", {
        "contract": contract, "order": order, "milestones": milestones,
        "can_answer": order.status == "pending" and request.user.pk in (contract.homeowner_id, contract.contractor_id)
        and request.user.pk != order.proposed_by_id,
        "can_withdraw": order.status == "pending" and request.user.pk == order.proposed_by_id,
        "preview": preview(contract, milestones, order) if order.status == "pending" else None,
    })


def preview(contract, milestones, order):
    """The milestones as they would be after accepting: amounts, fees and the new total."""
    by_id = {item.milestone_id: item for item in order.items.all() if item.milestone_id}
    rows = []
    for m in milestones:
        item = by_id.get(m.pk)
        if item is None:
            rows.append({"position": m.position, "title": m.title, "amount": m.amount_cents, "fee": m.fee_cents,
                         "status": m.get_status_display(), "change": ""})
        elif item.kind == "update":
            rows.append({"position": m.position, "title": item.title, "amount": item.amount_cents,
                         "fee": item.fee_cents, "status": m.get_status_display(), "change": "changed",
                         "was": f"{m.title} · {m.amount_cents}"})
        else:
            rows.append({"position": m.position, "title": m.title, "amount": 0, "fee": 0, "status": "Removed",
                         "change": "removed"})
    position = max((m.position for m in milestones), default=0)
    for item in order.items.all():
        if item.kind == "add":
            position += 1
            rows.append({"position": position, "title": item.title, "amount": item.amount_cents, "fee": item.fee_cents,
                         "status": "New, awaiting payment", "change": "added"})
    kept = [r for r in rows if r["change"] != "removed"]
    return {"rows": rows, "total": sum(r["amount"] for r in kept), "fees": sum(r["fee"] for r in kept),
            "was_total": contract.total_cents}


@login_required
@require_POST
def answer(request, pk, order_id, decision):
    if decision not in ("accept", "decline", "withdraw"):
        raise Http404
    order = order_for(request.user, pk, order_id)
    scope = f"contracts.change_order.{decision}"
    if decision == "accept":
        ok = run_action(request, lambda: service.change_order_accept(actor=request.user, change_order_id=order.pk,
                                                                     request=request),
                        success="Change accepted. The contract has a new version; unfunded milestones use the new "
                                "amounts.", once_scope=scope)
        return redirect("contracts:detail", pk=pk) if ok else redirect(service.order_url(order))
    if decision == "decline":
        run_action(request, lambda: service.change_order_decline(
            actor=request.user, change_order_id=order.pk, note=request.POST.get("note", ""), request=request),
            success="Change declined. The contract stays as it was.", once_scope=scope)
    else:
        run_action(request, lambda: service.change_order_withdraw(actor=request.user, change_order_id=order.pk,
                                                                  request=request),
                   success="Change withdrawn.", once_scope=scope)
    return redirect(service.order_url(order))


def contract_page_context(user, contract) -> dict:
    """The change history block of the contract page: two queries whatever its length (one
    while the contract is at its first version: there is no other version to list)."""
    orders = list(contract.change_orders.select_related("proposed_by").order_by("-number"))
    versions = (list(contract.versions.select_related("change_order").order_by("-number"))
                if contract.version > 1 else [])
    pending = next((o for o in orders if o.status == ChangeOrder.Status.PENDING), None)
    party = user.pk in (contract.homeowner_id, contract.contractor_id)
    return {"change_orders": orders, "versions": versions, "pending_change": pending,
            "can_propose": party and pending is None and contract.status in service.OPEN_CONTRACT}
