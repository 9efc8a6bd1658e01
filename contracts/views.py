from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.views.decorators.http import require_POST

from jobs.web import run_action

from . import change_order_views, flow, selectors
from .models import Milestone


@login_required
def contract_list(request):
    page = Paginator(selectors.contracts_visible_to(request.user).order_by("-created_at"), 20).get_page(request.GET.get("page"))
    return render(request, "contracts/list.html", {"page": page})


@login_required
def detail(request, pk):
    contract = selectors.contract_for(request.user, pk)
    milestones = list(contract.milestones.all())
    context = {
        "contract": contract,
        "milestones": milestones,
        "is_homeowner": contract.homeowner_id == request.user.pk,
        "is_contractor": contract.contractor_id == request.user.pk,
        "fee_total": sum(m.fee_cents for m in milestones),
        "released_total": sum(m.amount_cents for m in milestones if m.status == "released"),
        "in_escrow_total": sum(m.amount_cents for m in milestones if m.status in Milestone.IN_ESCROW),
    }
    context.update(_extension_templates())
    context.update(change_order_views.contract_page_context(request.user, contract))
    return render(request, "contracts/detail.html", context)


def _extension_templates() -> dict:
    """The escrow code adds its money actions to this page through these optional
    templates (per milestone, and one panel for the contract) without editing it."""
    found = {}
    for key, name in (("milestone_actions_template", "payments/_milestone_actions.html"),
                      ("contract_panel_template", "payments/_contract_panel.html")):
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found[key] = name
    return found


@login_required
@require_POST
def cancel(request, pk):
    contract = selectors.contract_for(request.user, pk)
    cancelled = run_action(
        # flow.contract_cancel closes an open Stripe Checkout first (payments), then cancels.
        request, lambda: flow.contract_cancel(actor=request.user, contract_id=contract.pk, request=request),
        success="Contract cancelled. The job is back to reviewing: you can hire another bidder.",
    )
    if cancelled:
        return redirect("bids:compare", job_id=contract.job_id)
    return redirect("contracts:detail", pk=pk)
