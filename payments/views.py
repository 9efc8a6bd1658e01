"""Thin web views: parse, call a service or selector, render or redirect."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from contracts import flow
from core.exceptions import ApplicationError

from . import selectors, services
from .forms import RequestChangesForm, SubmitForm
from .gateways import GatewayError
from .models import Payment

logger = logging.getLogger(__name__)
EVIDENCE_LINK_SECONDS = 600


def _contract_url(contract_id) -> str:
    try:
        return reverse("contracts:detail", args=[contract_id])
    except NoReverseMatch:
        return f"/contracts/{contract_id}/"


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
        "receipt_number": flow.receipt_number(payment), "contract_url": _contract_url(contract.pk),
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


# --- milestone actions (the contract page's buttons) ----------------------------------------
def _act(request, milestone, action, success: str):
    try:
        result = action()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return None
    except GatewayError as exc:
        messages.error(request, f"The payment provider is unavailable ({exc.message}). Nothing was charged; "
                                "try again in a minute.")
        return None
    if success:
        messages.success(request, success)
    return result


@login_required
@require_POST
def milestone_fund(request, milestone_id):
    milestone = selectors.milestone_for(request.user, milestone_id)
    payment = _act(request, milestone, lambda: flow.milestone_fund(actor=request.user, milestone_id=milestone.pk,
                                                                   request=request), "")
    if payment is None:
        return redirect(_contract_url(milestone.contract_id))
    if payment.status == Payment.Status.SUCCEEDED:
        messages.success(request, "Milestone funded. The money is held in escrow until you approve the work.")
        return redirect(_contract_url(milestone.contract_id))
    return HttpResponseRedirect(payment.checkout_url)


@login_required
def milestone_submit(request, milestone_id):
    milestone = selectors.milestone_for(request.user, milestone_id)
    if request.user.pk != milestone.contract.contractor_id:
        raise Http404
    form = SubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            flow.milestone_submit(actor=request.user, milestone_id=milestone.pk, notes=form.cleaned_data["notes"],
                                  files=form.cleaned_data["evidence"], request=request)
        except ApplicationError as exc:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(request, "Submitted. The homeowner has been asked to review and approve.")
            return redirect(_contract_url(milestone.contract_id))
    return render(request, "payments/submit.html", {
        "form": form, "milestone": milestone, "contract": milestone.contract,
        "contract_url": _contract_url(milestone.contract_id), "auto_approve_days": settings.AUTO_APPROVE_DAYS,
    })


@login_required
@require_POST
def milestone_approve(request, milestone_id):
    milestone = selectors.milestone_for(request.user, milestone_id)
    _act(request, milestone, lambda: flow.milestone_approve(actor=request.user, milestone_id=milestone.pk,
                                                            request=request),
         f"Approved. {milestone.title} is released to the contractor.")
    return redirect(_contract_url(milestone.contract_id))


@login_required
@require_POST
def milestone_request_changes(request, milestone_id):
    milestone = selectors.milestone_for(request.user, milestone_id)
    form = RequestChangesForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Tell the contractor what should change (at most 2000 characters).")
        return redirect(_contract_url(milestone.contract_id))
    _act(request, milestone, lambda: flow.milestone_request_changes(
        actor=request.user, milestone_id=milestone.pk, note=form.cleaned_data["note"], request=request),
        "Changes requested. The contractor has been told what to fix.")
    return redirect(_contract_url(milestone.contract_id))


@login_required
@require_POST
def contract_cancel(request, contract_id):
    contract = selectors.contract_for(request.user, contract_id)
    result = _act(request, None, lambda: flow.contract_cancel(actor=request.user, contract_id=contract.pk,
                                                              request=request),
                  "Contract cancelled. The job is back in review: you can award another bid.")
    if result is not None:
        try:
            return redirect(reverse("jobs:detail", args=[contract.job_id]))
        except NoReverseMatch:
            pass
    return redirect(_contract_url(contract.pk))


# --- evidence files -----------------------------------------------------------------------
_signer = signing.TimestampSigner(salt="payments.evidence")


def evidence_token(file_id, user_id) -> str:
    return _signer.sign(f"{file_id}.{user_id}").split(":", 1)[1]


def evidence_url(file, user) -> str:
    return reverse("payments:evidence_file", args=[file.pk, evidence_token(file.pk, user.pk)])


@never_cache
@login_required
def evidence_file(request, file_id, token):
    """Serve one evidence file to a party or staff, through a link that expires and only
    works for the person it was made for."""
    try:
        _signer.unsign(f"{file_id}.{request.user.pk}:{token}", max_age=EVIDENCE_LINK_SECONDS)
    except signing.BadSignature as exc:
        raise Http404("This link has expired. Reload the contract page.") from exc
    file = selectors.evidence_file_for(request.user, file_id)
    storage_url = file.file.storage.url(file.file.name) if hasattr(file.file.storage, "bucket_name") else None
    if storage_url:
        return HttpResponseRedirect(storage_url)  # S3: a short-lived presigned URL
    response = FileResponse(file.file.open("rb"), content_type=file.content_type)
    disposition = "inline" if file.kind == "image" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="evidence-{str(file.pk)[:8]}{_ext(file)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _ext(file) -> str:
    return {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/pdf": ".pdf"}.get(
        file.content_type, "")
