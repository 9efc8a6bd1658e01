"""The printable contract: terms, parties, milestones with fees, and the change history.
One page with a print stylesheet (static/css/workspace.css); the browser prints it or saves
it as PDF. (A server-side PDF library would need system libraries the production image
does not carry: see the README.)"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def contract_print(request, pk):
    contract = selectors.contract_for(request.user, pk)
    milestones = list(contract.milestones.all())
    orders = list(contract.change_orders.filter(status="accepted").select_related("proposed_by", "decided_by")
                  .prefetch_related("items").order_by("number"))
    versions = list(contract.versions.order_by("number"))
    return render(request, "contracts/print.html", {
        "contract": contract, "milestones": milestones, "orders": orders, "versions": versions,
        "fee_total": sum(m.fee_cents for m in milestones),
        "show_address": request.user.is_staff or request.user.pk in (contract.homeowner_id, contract.contractor_id),
    })
