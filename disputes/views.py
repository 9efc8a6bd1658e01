from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.confirm import Confirm, confirm_page
from core.money import format_cents
from jobs.web import run_action, run_form_once
from messaging.selectors import citations_for
from payments import settlement

from . import selectors, services
from .forms import DisputeOpenForm, MessageForm, OfferForm

FIELD_ALIASES = {"requested_refund_cents": "requested_refund", "contractor_amount_cents": "contractor_amount",
                 "evidence": "files"}


@login_required
def open_dispute(request, milestone_id):
    milestone = selectors.milestone_for(request.user, milestone_id)
    contract = milestone.contract
    role = "homeowner" if request.user.pk == contract.homeowner_id else (
        "contractor" if request.user.pk == contract.contractor_id else None)
    if role is None:
        raise Http404  # staff see contracts but do not open disputes on behalf of a party
    form = DisputeOpenForm(request.POST or None, request.FILES or None, role=role)
    if request.method == "POST" and form.is_valid():
        done = run_form_once(request, form, lambda: services.dispute_open(
            actor=request.user, milestone_id=milestone.pk, reason=form.cleaned_data["reason"],
            description=form.cleaned_data["description"],
            requested_refund_cents=form.cleaned_data.get("requested_refund") or 0,
            files=form.cleaned_data["files"], request=request), scope="disputes.open", result_url=_detail_url,
            success="Dispute opened. The milestone's money is frozen in escrow until it is resolved.",
            aliases=FIELD_ALIASES)
        if done:
            return redirect(done)
    return render(request, "disputes/open.html", {"milestone": milestone, "contract": contract, "form": form,
                                                  "role": role})


def _detail_url(dispute) -> str:
    return reverse("disputes:detail", args=[dispute.pk])


@login_required
def dispute_list(request):
    disputes = selectors.disputes_visible_to(request.user).order_by("-created_at")
    page = Paginator(disputes, 20).get_page(request.GET.get("page"))
    return render(request, "disputes/list.html", {"page": page})


def _detail_context(request, dispute, **forms):
    user = request.user
    role = dispute.party_role(user)
    return {
        "dispute": dispute,
        "contract": dispute.contract,
        "milestone": dispute.milestone,
        "role": role,
        "is_opener": user.pk == dispute.opened_by_id,
        "timeline": selectors.timeline(dispute),
        "next_step": selectors.next_step(dispute, user),
        "answerable": selectors.pending_offer_for(dispute, user),
        "message_form": forms.get("message_form") or MessageForm(),
        "offer_form": forms.get("offer_form") or OfferForm(),
        "can_act": role is not None and dispute.is_open,
        # Messages of the contract's thread a party put forward (messaging sits above disputes).
        "cited_messages": citations_for(user, dispute),
    }


@login_required
def detail(request, pk):
    dispute = selectors.dispute_detail_for(request.user, pk)
    return render(request, "disputes/detail.html", _detail_context(request, dispute))


@login_required
@require_POST
def message(request, pk):
    dispute = selectors.dispute_for(request.user, pk)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        done = run_form_once(request, form, lambda: services.message_post(
            actor=request.user, dispute_id=dispute.pk, body=form.cleaned_data["body"], files=form.cleaned_data["files"],
            request=request), scope="disputes.message", success="Message sent.",
            result_url=lambda _: _detail_url(dispute), aliases=FIELD_ALIASES)
        if done:
            return redirect(done)
    dispute = selectors.dispute_detail_for(request.user, pk)
    return render(request, "disputes/detail.html", _detail_context(request, dispute, message_form=form), status=400)


@login_required
@require_POST
def offer(request, pk):
    dispute = selectors.dispute_for(request.user, pk)
    form = OfferForm(request.POST)
    if form.is_valid():
        done = run_form_once(request, form, lambda: services.offer_make(
            actor=request.user, dispute_id=dispute.pk, contractor_amount_cents=form.cleaned_data["contractor_amount"],
            note=form.cleaned_data["note"], request=request), scope="disputes.offer",
            success=lambda made: f"Offer sent: {format_cents(made.contractor_amount_cents)} to the contractor, "
                                 f"{format_cents(made.refund_cents)} back to the homeowner.",
            result_url=lambda _: _detail_url(dispute), aliases=FIELD_ALIASES)
        if done:
            return redirect(done)
    dispute = selectors.dispute_detail_for(request.user, pk)
    return render(request, "disputes/detail.html", _detail_context(request, dispute, offer_form=form), status=400)


@login_required
@require_POST
def escalate(request, pk):
    dispute = selectors.dispute_for(request.user, pk)
    run_action(request, lambda: services.dispute_escalate(actor=request.user, dispute_id=dispute.pk, request=request),
               success="Escalated. Our staff will review both sides and decide.", once_scope="disputes.escalate")
    return redirect("disputes:detail", pk=dispute.pk)


@login_required
@require_POST
def withdraw(request, pk):
    dispute = selectors.dispute_for(request.user, pk)
    run_action(request, lambda: services.dispute_withdraw(actor=request.user, dispute_id=dispute.pk, request=request),
               success="Dispute withdrawn. The milestone is back where it was.", once_scope="disputes.withdraw")
    return redirect("disputes:detail", pk=dispute.pk)


@login_required
def offer_accept(request, offer_id):
    offer_obj = selectors.offer_for(request.user, offer_id)
    if request.method != "POST":
        return confirm_page(request, _offer_confirm(offer_obj))
    run_action(request, lambda: services.offer_accept(actor=request.user, offer_id=offer_obj.pk, request=request),
               success="Offer accepted.", once_scope="disputes.offer_accept")
    return redirect("disputes:detail", pk=offer_obj.dispute_id)


def _offer_confirm(offer_obj) -> Confirm:
    dispute = offer_obj.dispute
    milestone = dispute.milestone
    fee_back = settlement.fee_refund_cents(milestone=milestone, payment=settlement.succeeded_payment(milestone),
                                           refund_cents=offer_obj.refund_cents)
    detail_url = reverse("disputes:detail", args=[dispute.pk])
    both = offer_obj.by_staff
    return Confirm(
        title="Accept this settlement?", button="Accept and settle" if not both else "Accept the proposal",
        action_url=reverse("disputes:offer_accept", args=[offer_obj.pk]), back_url=detail_url,
        back_label="The dispute", cancel_label="Not yet",
        facts=[("Milestone", f"{milestone.position}. {milestone.title} ({format_cents(dispute.amount_cents)} in escrow)"),
               ("Contractor receives", format_cents(offer_obj.contractor_amount_cents)),
               ("Homeowner is refunded", format_cents(offer_obj.refund_cents)),
               ("Platform fee refunded", format_cents(fee_back))],
        consequences=[
            ("Once you and the other party have both accepted, the" if both else "The") +
            " dispute is resolved and the money leaves escrow as shown above.",
            "The contractor's share is paid out to their bank (or waits for their payout setup).",
            "The homeowner's share and the fee on it go back to the card that paid the milestone.",
        ],
        irreversible="A settled dispute cannot be reopened and the money cannot be moved back.",
    )


@login_required
@require_POST
def offer_reject(request, offer_id):
    offer_obj = selectors.offer_for(request.user, offer_id)
    run_action(request, lambda: services.offer_reject(actor=request.user, offer_id=offer_obj.pk, request=request),
               success="Offer rejected. You can make a counter-offer.", once_scope="disputes.offer_reject")
    return redirect("disputes:detail", pk=offer_obj.dispute_id)


@never_cache
@login_required
def file_download(request, file_id):
    item = selectors.dispute_file_for(request.user, file_id)
    if hasattr(item.file.storage, "bucket_name"):
        return HttpResponseRedirect(item.file.storage.url(item.file.name))  # S3: a short-lived presigned URL
    response = FileResponse(item.file.open("rb"), content_type=item.content_type, as_attachment=item.kind == "pdf",
                            filename=item.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
