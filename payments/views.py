"""Thin web views: parse, call a service or selector, render or redirect."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError

from . import selectors, services
from .gateways import GatewayError
from .models import Payment

logger = logging.getLogger(__name__)
EVIDENCE_LINK_SECONDS = 600


def _contract_url(contract_id) -> str:
    # By URL name: payments links to the contract page without importing contracts.
    return reverse("contracts:detail", args=[contract_id])


# --- Stripe webhook -----------------------------------------------------------------------
@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event = services.webhook_receive(request.body, request.headers.get("Stripe-Signature"))
    except services.BadSignature:
        return HttpResponse("Invalid signature.", status=400, content_type="text/plain")
    except Exception:
        # Stored as failed; a non-2xx makes Stripe deliver it again later.
        logger.exception("stripe webhook failed")
        return HttpResponse("Processing failed; retry later.", status=500, content_type="text/plain")
    return HttpResponse(f"ok {event.status}", content_type="text/plain")


# --- receipts and checkout return ------------------------------------------------------------
@login_required
def receipt(request, payment_id):
    payment = selectors.payment_for(request.user, payment_id)
    if payment.status != Payment.Status.SUCCEEDED:
        raise Http404("No receipt: this payment has not completed.")
    contract = payment.milestone.contract
    return render(request, "payments/receipt.html", {
        "payment": payment, "milestone": payment.milestone, "contract": contract,
        "receipt_number": payment.receipt_number, "contract_url": _contract_url(contract.pk),
    })


@never_cache
@login_required
def checkout_return(request, payment_id):
    payment = selectors.payment_for(request.user, payment_id)
    if payment.status == Payment.Status.SUCCEEDED:
        messages.success(request, "Payment received. The milestone is funded and held in escrow.")
        return redirect("payments:receipt", payment_id=payment.pk)
    return render(request, "payments/checkout_return.html", {
        "payment": payment, "contract_url": _contract_url(payment.milestone.contract_id),
    })


# --- payouts -------------------------------------------------------------------------------
@login_required
def payouts(request):
    if not request.user.is_contractor:
        raise Http404
    data = selectors.payouts_for(request.user)
    if request.GET.get("onboarding") == "returned" and data["account"] is not None:
        try:
            services.payout_account_refresh(account=data["account"])
        except GatewayError:
            messages.warning(request, "We could not reach the payment provider; your status updates shortly.")
        data = selectors.payouts_for(request.user)
    # An entry point may read the layer above: what the contractor's milestones hold.
    from contracts.money import contractor_in_escrow_cents

    data["in_escrow_cents"] = contractor_in_escrow_cents(request.user)
    return render(request, "payments/payouts.html", data)


@login_required
@require_POST
def onboarding_start(request):
    try:
        url = services.onboarding_link(actor=request.user, request=request)
    except (ApplicationError, GatewayError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
        return redirect("payments:payouts")
    return HttpResponseRedirect(url)


@login_required
def onboarding_refresh(request):
    """Stripe sends people here when an onboarding link expired: start a fresh one."""
    if not request.user.is_contractor:
        raise Http404
    return render(request, "payments/onboarding_refresh.html")
