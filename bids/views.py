from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from contracts import selectors as contract_selectors
from contracts import services as contract_services
from core import once
from core.confirm import Confirm, confirm_page
from core.exceptions import ApplicationError
from core.money import fee_cents, format_cents
from credentials import selectors as credential_selectors
from directory import selectors as directory_selectors
from jobs import selectors as job_selectors
from jobs.models import Job
from jobs.web import errors_to_form, run_action

from . import selectors, services
from .forms import BidForm, MilestoneFormSet, milestone_initial, milestone_rows
from .models import Bid


def _bid_page(request, job: Job, bid: Bid | None):
    if bid is None:
        initial = None
        rows = None
    else:
        initial = {"amount_cents": bid.amount_cents, "estimated_days": bid.estimated_days,
                   "proposed_start": bid.proposed_start, "message": bid.message}
        rows = milestone_initial(bid.milestones.all().values("title", "amount_cents"))
    form = BidForm(request.POST or None, initial=initial)
    formset = MilestoneFormSet(request.POST or None, initial=rows, prefix="m")
    schedule_errors = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        terms = {**form.cleaned_data, "milestones": milestone_rows(formset)}
        try:
            with once.submit_once(request, scope="bids.place") as claim:
                if bid is None:
                    bid = services.bid_place(actor=request.user, job=job, request=request, **terms)
                    messages.success(request, "Bid placed. It stays sealed: only you can see it until bidding closes.")
                else:
                    services.bid_revise(actor=request.user, bid=bid, request=request, **terms)
                    messages.success(request, "Bid revised. Your previous terms are kept in the bid's history.")
                claim.done(reverse("jobs:detail", args=[job.pk]))
        except once.AlreadySubmitted as repeat:
            return redirect(repeat.result_url or reverse("jobs:detail", args=[job.pk]))
        except ApplicationError as exc:
            # Schedule problems show above the milestone rows, the rest on their fields.
            schedule_errors = [m for f, msgs in exc.fields.items() if f.startswith("milestones") for m in msgs]
            other = {f: msgs for f, msgs in exc.fields.items() if not f.startswith("milestones")}
            if other or not exc.fields:
                errors_to_form(form, ApplicationError(exc.message, fields=other))
        else:
            return redirect("jobs:detail", pk=job.pk)
    context = {"job": job, "bid": bid, "form": form, "formset": formset, "schedule_errors": schedule_errors,
               "homeowner_summary": directory_selectors.homeowner_summary(job.homeowner)}
    return render(request, "bids/form.html", context)


@login_required
def place(request, job_id):
    job = job_selectors.job_for(request.user, job_id)
    allowed, why = services.can_bid(request.user)
    if not allowed:
        messages.error(request, why)
        return redirect("jobs:detail", pk=job.pk)
    existing = selectors.bid_of_contractor_on(request.user, job)
    if existing is not None:
        return redirect("bids:revise", pk=existing.pk)
    if job.status != Job.Status.OPEN:
        messages.error(request, "This job is not open for bids.")
        return redirect("jobs:detail", pk=job.pk)
    return _bid_page(request, job, None)


@login_required
def revise(request, pk):
    bid = selectors.own_bid(request.user, pk)
    if bid.status != Bid.Status.ACTIVE or bid.job.status != Job.Status.OPEN:
        messages.error(request, "This bid can no longer be revised.")
        return redirect("jobs:detail", pk=bid.job_id)
    return _bid_page(request, bid.job, bid)


@login_required
def withdraw(request, pk):
    bid = selectors.own_bid(request.user, pk)
    if request.method != "POST":
        job_url = reverse("jobs:detail", args=[bid.job_id])
        return confirm_page(request, Confirm(
            title="Withdraw your bid?", button="Withdraw my bid", danger=True,
            action_url=reverse("bids:withdraw", args=[bid.pk]), back_url=job_url, back_label=bid.job.title,
            cancel_label="Keep my bid",
            facts=[("Job", bid.job.title), ("Your bid", format_cents(bid.amount_cents)),
                   ("Bidding closes", date_format(localtime(bid.job.bidding_deadline), "M j, Y, g:i A T"))],
            consequences=[
                "Your bid leaves the homeowner's comparison: it will not be considered for this job.",
                "Nothing is charged and no one else learns that you withdrew.",
                "You can place a new bid while the job is still open for bids.",
            ],
            irreversible="This bid cannot be restored; a new bid starts over.",
        ))
    run_action(request, lambda: services.bid_withdraw(actor=request.user, bid=bid, request=request),
               success="Bid withdrawn. You can bid again while the job is open.")
    return redirect("jobs:detail", pk=bid.job_id)


@login_required
def mine(request):
    if not request.user.is_contractor:
        raise Http404
    status = request.GET.get("status") or ""
    bids = contract_selectors.with_live_contracts(selectors.bids_of_contractor(request.user))
    if status in Bid.Status.values:
        bids = bids.filter(status=status)
    page = Paginator(bids, 20).get_page(request.GET.get("page"))
    return render(request, "bids/mine.html", {"page": page, "status": status, "statuses": Bid.Status.choices,
                                              "querystring": f"status={status}" if status else ""})


@login_required
def compare(request, job_id):
    from analytics.selectors import price_benchmark

    job = job_selectors.job_for(request.user, job_id)
    bids = selectors.comparison_for(request.user, job)  # 404 for anyone but owner/staff
    if job.bidding_closed_at is None:
        messages.info(request, "Bids are sealed until bidding closes. Close bidding early from the job page.")
        return redirect("jobs:detail", pk=job.pk)
    credential_selectors.annotate_bids(bids)
    logos = directory_selectors.logos_for(bid.contractor_id for bid in bids)
    for bid in bids:
        bid.logo = logos.get(bid.contractor_id)
    amounts = [bid.amount_cents for bid in bids]
    benchmark = price_benchmark(job.category, job.zip_code, state=job.state, exclude_job_id=job.pk)
    if benchmark.band is not None:
        for bid in bids:
            bid.market_position = benchmark.band.position(bid.amount_cents)
    context = {"job": job, "bids": bids, "lowest": min(amounts) if amounts else None, "benchmark": benchmark,
               "can_award": job.status == Job.Status.REVIEWING and job.homeowner_id == request.user.pk}
    return render(request, "bids/compare.html", context)


@login_required
def accept(request, pk):
    bid = selectors.bid_for(request.user, pk)
    if bid.job.homeowner_id != request.user.pk:
        raise Http404
    if request.method == "POST":
        try:
            with once.submit_once(request, scope="bids.accept") as claim:
                contract = contract_services.bid_accept(actor=request.user, bid=bid, request=request)
                claim.done(reverse("contracts:detail", args=[contract.pk]))
        except once.AlreadySubmitted as repeat:
            return redirect(repeat.result_url)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("bids:compare", job_id=bid.job_id)
        messages.success(request, f"You hired {bid.contractor.display_name}. Fund the first milestone to get started.")
        return redirect("contracts:detail", pk=contract.pk)
    rows = [(m, fee_cents(m.amount_cents, settings.PLATFORM_FEE_BPS)) for m in bid.milestones.all()]
    context = {"bid": bid, "job": bid.job, "rows": rows, "fee_total": sum(fee for _, fee in rows)}
    return render(request, "bids/accept.html", context)


