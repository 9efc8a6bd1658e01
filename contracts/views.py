"""Thin web views of contracts and the milestone lifecycle: the contract page and its
buttons (fund, submit, approve, request changes, cancel) and evidence downloads."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import once
from core.confirm import Confirm, confirm_page
from core.exceptions import ApplicationError
from core.money import format_cents
from credentials import selectors as credential_selectors
from jobs.web import run_action, run_form_once
from payments.gateways import GatewayError
from payments.models import Payment

from . import change_order_views, money, selectors, services
from .forms import RequestChangesForm, SubmitForm
from .models import Milestone
from .services.common import contract_url

EVIDENCE_LINK_SECONDS = 600


@login_required
def contract_list(request):
    page = Paginator(selectors.contracts_visible_to(request.user).order_by("-created_at"), 20).get_page(request.GET.get("page"))
    return render(request, "contracts/list.html", {"page": page})


@login_required
def detail(request, pk):
    contract = selectors.contract_for(request.user, pk)
    money_view = money.contract_money(contract, request.user)
    context = {
        "contract": contract,
        "money": money_view,
        "is_homeowner": contract.homeowner_id == request.user.pk,
        "is_contractor": contract.contractor_id == request.user.pk,
        "fee_total": sum(row.milestone.fee_cents for row in money_view.milestones),
    }
    if contract.status in (contract.Status.AWAITING_FUNDING, contract.Status.ACTIVE):
        context["insurance_gap"] = credential_selectors.insurance_gap(
            contract.contractor_id, starts_on=contract.bid.proposed_start, days=contract.bid.estimated_days)
    context.update(change_order_views.contract_page_context(request.user, contract))
    return render(request, "contracts/detail.html", context)


@login_required
def cancel(request, pk):
    contract = selectors.contract_for(request.user, pk)
    if request.method != "POST":
        if request.user.pk != contract.homeowner_id:
            raise Http404
        return confirm_page(request, Confirm(
            title="Cancel this contract?", button="Cancel the contract", danger=True,
            action_url=reverse("contracts:cancel", args=[contract.pk]), back_url=contract_url(contract),
            back_label="The contract", cancel_label="Keep the contract",
            facts=[("Job", contract.job.title), ("Contractor", contract.contractor.display_name),
                   ("Price", format_cents(contract.total_cents))],
            consequences=[
                "The contract ends before any work is paid: nothing is charged.",
                f"{contract.contractor.display_name} is told the contract was cancelled.",
                "The job goes back to reviewing: you can hire another of its bidders.",
            ],
            irreversible="A cancelled contract cannot be restored.",
        ))
    cancelled = run_action(
        # The one cancellation service: it closes an open Stripe Checkout first, then cancels.
        request, lambda: services.contract_cancel(actor=request.user, contract_id=contract.pk, request=request),
        success="Contract cancelled. The job is back to reviewing: you can hire another bidder.",
        once_scope="contracts.cancel",
    )
    if cancelled:
        return redirect("bids:compare", job_id=contract.job_id)
    return redirect("contracts:detail", pk=pk)


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
def milestone_fund(request, milestone_id):
    milestone = selectors.milestone_for(request.user, milestone_id)
    if request.user.pk != milestone.contract.homeowner_id:
        # A party who may see the milestone learns why; nobody else gets this far (404 above).
        messages.error(request, "Only the homeowner can fund a milestone.")
        return redirect(contract_url(milestone.contract))
    if request.method != "POST":
        return confirm_page(request, Confirm(
            title=f"Pay {format_cents(milestone.total_due_cents)} into escrow?",
            button=f"Pay {format_cents(milestone.total_due_cents)} into escrow",
            action_url=reverse("contracts:milestone_fund", args=[milestone.pk]),
            back_url=contract_url(milestone.contract), back_label="The contract", cancel_label="Not now",
            facts=[("Milestone", f"{milestone.position}. {milestone.title}"),
                   ("To the contractor", format_cents(milestone.amount_cents)),
                   ("Platform fee", format_cents(milestone.fee_cents)),
                   ("You pay now", format_cents(milestone.total_due_cents))],
            consequences=[
                f"{format_cents(milestone.total_due_cents)} is charged to your card and held in escrow.",
                "The contractor is told the milestone is funded and can start.",
                f"The {format_cents(milestone.amount_cents)} is released to the contractor only when you approve "
                "the work (or automatically after the review period); a dispute freezes it.",
            ],
            irreversible="Once funded, the money leaves escrow only by approval, a refund or a dispute decision.",
        ))
    payment = None
    try:
        with once.submit_once(request, scope="contracts.fund") as claim:
            payment = _act(request, milestone, lambda: services.milestone_fund(
                actor=request.user, milestone_id=milestone.pk, request=request), "")
            claim.done(contract_url(milestone.contract))
    except once.AlreadySubmitted as repeat:
        return redirect(repeat.result_url)
    if payment is None:
        return redirect(contract_url(milestone.contract))
    if payment.status == Payment.Status.SUCCEEDED:
        messages.success(request, "Milestone funded. The money is held in escrow until you approve the work.")
        return redirect(contract_url(milestone.contract))
    return HttpResponseRedirect(payment.checkout_url)


SUBMIT_CLOSED = {
    Milestone.Status.UNFUNDED: "This milestone is not funded yet. You can submit it once the homeowner has paid it "
                               "into escrow.",
    Milestone.Status.SUBMITTED: "This milestone is already submitted and waits for the homeowner's review.",
    Milestone.Status.DISPUTED: "This milestone is in a dispute; completion cannot be submitted while it is open.",
    Milestone.Status.RELEASED: "This milestone is approved: there is nothing more to submit.",
    Milestone.Status.REFUNDED: "This milestone was refunded to the homeowner and is closed.",
    Milestone.Status.SPLIT: "This milestone was settled in a dispute and is closed.",
}


@login_required
def milestone_submit(request, milestone_id):
    milestone = selectors.milestone_for(request.user, milestone_id)
    url = contract_url(milestone.contract)
    if request.user.pk != milestone.contract.contractor_id:
        messages.error(request, "Only the contractor can submit completion of a milestone.")
        return redirect(url)
    if request.method == "POST" and (earlier := once.earlier_result(request)) is not None:
        return redirect(earlier or url)  # a double click: the first one was submitted
    page = {"milestone": milestone, "contract": milestone.contract, "contract_url": url,
            "auto_approve_days": settings.AUTO_APPROVE_DAYS}
    if milestone.status != Milestone.Status.FUNDED:
        # No form for a milestone that cannot be submitted; a POST is refused as the service would (409).
        return render(request, "contracts/submit.html", {**page, "closed": SUBMIT_CLOSED.get(
            milestone.status, "This milestone can no longer be submitted.")},
                      status=409 if request.method == "POST" else 200)
    form = SubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = run_form_once(request, form, lambda: services.milestone_submit(
            actor=request.user, milestone_id=milestone.pk, notes=form.cleaned_data["notes"],
            files=form.cleaned_data["evidence"], request=request), scope="contracts.submit",
            success="Submitted. The homeowner has been asked to review and approve.", result_url=lambda _: url)
        if done:
            return redirect(done)
    return render(request, "contracts/submit.html", {**page, "form": form})


@login_required
def milestone_approve(request, milestone_id):
    milestone = selectors.milestone_for(request.user, milestone_id)
    if request.method != "POST":
        if request.user.pk != milestone.contract.homeowner_id:
            raise Http404
        escrow = money.milestone_escrow_state(milestone)
        if escrow.approve_blocked:  # say why on the contract page instead of offering a doomed confirmation
            messages.error(request, escrow.approve_blocked)
            return redirect(contract_url(milestone.contract))
        amount = format_cents(escrow.releasable_cents)
        return confirm_page(request, Confirm(
            title=f"Approve the work and release {amount}?",
            button=f"Release {amount} to the contractor",
            action_url=reverse("contracts:milestone_approve", args=[milestone.pk]),
            back_url=contract_url(milestone.contract), back_label="The contract", cancel_label="Not yet",
            facts=[("Milestone", f"{milestone.position}. {milestone.title}"),
                   ("Released to the contractor", amount),
                   ("Platform fee", f"{format_cents(milestone.fee_cents)} (kept; not refunded)")],
            consequences=[
                *([escrow.notice] if escrow.notice else []),
                f"{amount} leaves escrow and is paid to {milestone.contract.contractor.display_name}"
                " (if their payout setup is not finished, it waits safely until it is).",
                "The milestone is closed: no more changes can be requested and no dispute can be opened on it.",
            ],
        ))
    run_action(request, lambda: services.milestone_approve(actor=request.user, milestone_id=milestone.pk,
                                                           request=request),
               success=f"Approved. {milestone.title} is released to the contractor.", once_scope="contracts.approve")
    return redirect(contract_url(milestone.contract))


@login_required
@require_POST
def milestone_request_changes(request, milestone_id):
    milestone = selectors.milestone_for(request.user, milestone_id)
    form = RequestChangesForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Tell the contractor what should change (at most 2000 characters).")
        return redirect(contract_url(milestone.contract))
    run_action(request, lambda: services.milestone_request_changes(
        actor=request.user, milestone_id=milestone.pk, note=form.cleaned_data["note"], request=request),
        success="Changes requested. The contractor has been told what to fix.", once_scope="contracts.request_changes")
    return redirect(contract_url(milestone.contract))


# --- evidence files -----------------------------------------------------------------------
# The salt keeps its old name so links made before the move stay valid.
_signer = signing.TimestampSigner(salt="payments.evidence")


def evidence_token(file_id, user_id) -> str:
    return _signer.sign(f"{file_id}.{user_id}").split(":", 1)[1]


def evidence_url(file, user) -> str:
    return reverse("contracts:evidence_file", args=[file.pk, evidence_token(file.pk, user.pk)])


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
