from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.views.decorators.http import require_POST

from contracts import services as contract_services
from core import once
from core.budget import DecodeBudget
from core.cache import anonymous_page_cache
from core.confirm import Confirm, confirm_page
from core.exceptions import ApplicationError
from core.pagination import CappedPaginator

from . import cards, selectors, services
from .forms import RADIUS_CHOICES, AnswerForm, BoardForm, CancelForm, JobForm, PhotoForm, QuestionForm
from .models import Category, Job
from .signals import ADDITIONS_GRACE_SECONDS, PAGE_CACHE
from .web import errors_to_form, run_action

PAGE_SIZE = 20
# Anonymous board and job pages are the same for every signed-out visitor: cached, and
# invalidated whenever a job, its photos or its Q&A change (jobs.signals). The lifetime only
# bounds what no job save announces (a homeowner renaming themselves). Board pages change
# with every new job anyway; a job page changes rarely, and at 30 s most visits to one of
# the thousands of job pages found a copy that had just expired (38% hits under load).
PAGE_CACHE_SECONDS = 30
JOB_PAGE_CACHE_SECONDS = 10 * 60


@anonymous_page_cache(PAGE_CACHE, PAGE_CACHE_SECONDS, additions_grace=ADDITIONS_GRACE_SECONDS)
def board(request):
    user = request.user
    form = BoardForm(request.GET or None)
    data = {}
    if request.GET:
        form.is_valid()  # invalid fields are dropped (and shown), the rest still filter
        data = {key: value for key, value in form.cleaned_data.items() if key not in form.errors}
    filters = selectors.BoardFilters(
        q=data.get("q") or "",
        categories=(data["category"],) if data.get("category") else (),
        zip_code=data.get("zip") or "",
        radius_miles=data.get("radius"),
        budget_min_cents=data.get("budget_min"),
        budget_max_cents=data.get("budget_max"),
        sort=data.get("sort") or ("relevance" if data.get("q") else "newest"),
    )
    near_me = None
    if not request.GET and user.is_authenticated and user.is_contractor:
        # "Jobs near me": the contractor's service area, their trades ranked first.
        near_me = selectors.near_me_defaults(user)
        if near_me:
            filters.zip_code, filters.radius_miles = near_me["zip_code"], near_me["radius_miles"]
            filters.favour_trades = near_me["trade_ids"]
            filters.sort = "newest"
    jobs = selectors.board(filters, user=user)
    ids = selectors.nearest_first_ids(jobs, filters) or selectors.trades_first_ids(jobs, filters)
    page = CappedPaginator(jobs, PAGE_SIZE, ids=ids).get_page(request.GET.get("page"))
    cards.attach(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "near_me": near_me,
        "filtered": bool(request.GET) and any(v for k, v in request.GET.items() if k not in ("page", "sort")),
        "querystring": query.urlencode(),
        "show_distance": bool(filters.zip_code),
        "categories": Category.objects.all(),
        "radius_choices": RADIUS_CHOICES,
        "sort_choices": list(selectors.SORT_LABELS.items()),
    }
    return render(request, "jobs/board.html", context)


def _qa_drafts(request) -> dict:
    """Question/answer text refused by the last post (contact details), shown once again."""
    if not hasattr(request, "session"):
        return {}
    keys = [key for key in tuple(request.session.keys()) if key.startswith("qa-draft:")]
    return {key.split(":", 1)[1]: request.session.pop(key) for key in keys}


@anonymous_page_cache(PAGE_CACHE, JOB_PAGE_CACHE_SECONDS, scope_kwarg="pk")
def detail(request, pk):
    from analytics.selectors import price_benchmark
    from bids.selectors import bid_of_contractor_on, bid_summary_for
    from bids.services import can_bid
    from contracts.selectors import live_contract_of_job

    user = request.user
    job = selectors.job_for(user, pk)
    is_owner = user.is_authenticated and job.homeowner_id == user.pk
    context = {
        "job": job,
        "is_owner": is_owner,
        "questions": selectors.questions_for(user, job),
        "show_address": selectors.can_see_address(user, job),
        "photos": list(job.photos.all()),
        "qa_drafts": _qa_drafts(request),
    }
    if selectors.can_see_bid_count(user, job):
        context["bid_count"] = job.bids.exclude(status="withdrawn").count()
    if is_owner:
        context["benchmark"] = price_benchmark(job.category, job.zip_code, state=job.state, exclude_job_id=job.pk)
        context["photo_form"] = PhotoForm()
        context["answer_form"] = AnswerForm()
        context["editable"] = selectors.is_editable(job)
    if user.is_authenticated and user.is_contractor:
        from directory.selectors import homeowner_summary

        # The homeowner's record on the platform (never anything about bids), to decide on bidding.
        context["homeowner_summary"] = homeowner_summary(job.homeowner)
        my_bid = bid_of_contractor_on(user, job)
        context["my_bid"] = my_bid
        context["can_bid"], context["cannot_bid_reason"] = can_bid(user)
        if job.status == Job.Status.OPEN:
            context["question_form"] = QuestionForm(initial={"body": context["qa_drafts"].get(str(job.pk), "")})
        if my_bid is not None and job.status in (Job.Status.AWARDED, Job.Status.COMPLETED):
            context["summary"] = bid_summary_for(user, job)
            band = price_benchmark(job.category, job.zip_code, state=job.state, exclude_job_id=job.pk).band
            if band is not None:
                context["market"] = {"band": band, "position": band.position(my_bid.amount_cents)}
    if is_owner or context["show_address"] or (user.is_authenticated and user.is_staff):
        context["contract"] = live_contract_of_job(job)
    return render(request, "jobs/detail.html", context)


def photo(request, pk, photo_id):
    """A job photo for anyone who may see the job (a draft's photos stay private).

    S3: a redirect to a short-lived presigned URL; local storage: streamed from here."""
    job = selectors.job_for(request.user, pk)
    item = get_object_or_404(job.photos, pk=photo_id)
    storage = item.image.storage
    if hasattr(storage, "bucket_name"):
        return HttpResponseRedirect(storage.url(item.image.name))
    response = FileResponse(item.image.open("rb"), content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def mine(request):
    if not request.user.is_homeowner:
        messages.info(request, "“My jobs” is for homeowners. Here are jobs you can bid on.")
        return redirect("jobs:board")
    page = Paginator(selectors.jobs_of_homeowner(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "jobs/mine.html", {"page": page})


def _save_photos(user, job, files, request):
    budget = DecodeBudget()  # one pixel/time budget for every photo of this request
    for upload in files:
        services.photo_add(actor=user, job=job, image=upload, request=request, budget=budget)


@login_required
def create(request):
    user = request.user
    if not user.is_homeowner:
        messages.info(request, "Only homeowner accounts post jobs. Contractors find work on the job board.")
        return redirect("jobs:board")
    if not user.profile_complete:
        messages.info(request, "Add your home's ZIP code first; then post your job.")
        return redirect("accounts:onboarding")
    profile = getattr(user, "homeowner_profile", None)
    initial = {"zip_code": profile.zip_code} if profile else {}
    form = JobForm(request.POST or None, request.FILES or None, initial=None if request.POST else initial)
    if request.method == "POST" and form.is_valid():
        publish = request.POST.get("action") != "draft"
        try:
            # The job and its photos, or nothing; and one job however often the form is sent.
            with once.submit_once(request, scope="jobs.create") as claim:
                job = services.job_create(actor=user, publish=publish, request=request, **form.job_fields())
                _save_photos(user, job, form.cleaned_data["photos"], request)
                claim.done(reverse("jobs:detail", args=[job.pk]))
        except once.AlreadySubmitted as repeat:
            return redirect(repeat.result_url or "jobs:mine")
        except ApplicationError as exc:
            errors_to_form(form, exc, aliases={"image": "photos"})
        else:
            if publish:
                messages.success(request, "Your job is live. Contractors nearby can now bid; you'll be told as bids arrive.")
            else:
                messages.success(request, "Draft saved. Publish it when you're ready.")
            return redirect("jobs:detail", pk=job.pk)
    from analytics.selectors import benchmarks_near

    # Fair-price bands for every trade around the homeowner's ZIP, before they set a budget.
    zip_code = (form.data.get("zip_code") if form.is_bound else initial.get("zip_code")) or ""
    benchmarks = benchmarks_near(zip_code) if len(zip_code) == 5 and zip_code.isdigit() else []
    return render(request, "jobs/form.html", {"form": form, "creating": True, "benchmarks": benchmarks,
                                              "benchmark_zip3": zip_code[:3]})


@login_required
def edit(request, pk):
    job = selectors.job_owned_by(request.user, pk)
    if not selectors.is_editable(job):
        messages.error(request, "This job can no longer be edited: bids have arrived or bidding has closed.")
        return redirect("jobs:detail", pk=pk)
    form = JobForm(request.POST or None, job=job)
    if request.method == "POST" and form.is_valid():
        try:
            # The edit and the publishing, or neither; once however often the form is sent.
            with once.submit_once(request, scope="jobs.edit") as claim:
                job = services.job_update(actor=request.user, job=job, request=request, **form.job_fields())
                if request.POST.get("action") == "publish" and job.status == Job.Status.DRAFT:
                    job = services.job_publish(actor=request.user, job=job, request=request)
                claim.done(reverse("jobs:detail", args=[job.pk]))
        except once.AlreadySubmitted as repeat:
            return redirect(repeat.result_url or "jobs:mine")
        except ApplicationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Job published." if job.status == Job.Status.OPEN and request.POST.get("action") == "publish" else "Changes saved.")
            return redirect("jobs:detail", pk=job.pk)
    return render(request, "jobs/form.html", {"form": form, "job": job, "creating": False})


@login_required
@require_POST
def publish(request, pk):
    job = selectors.job_owned_by(request.user, pk)
    run_action(
        request, lambda: services.job_publish(actor=request.user, job=job, request=request),
        success="Your job is live. Contractors can now bid.", once_scope="jobs.publish",
    )
    return redirect("jobs:detail", pk=pk)


@login_required
def close_bidding(request, pk):
    job = selectors.job_owned_by(request.user, pk)
    if request.method != "POST":
        count = job.bids.filter(status="active").count()
        return confirm_page(request, Confirm(
            title="Close bidding now?", button="Close bidding and open the bids",
            action_url=reverse("jobs:close_bidding", args=[job.pk]), back_url=reverse("jobs:detail", args=[job.pk]),
            back_label=job.title, cancel_label="Keep bidding open",
            facts=[("Job", job.title), ("Bids received", str(count)),
                   ("Planned close", date_format(localtime(job.bidding_deadline), "M j, Y, g:i A T"))],
            consequences=[
                f"The {count} sealed bid{'s' if count != 1 else ''} open for you to compare side by side.",
                "No more bids can arrive, and bidders can no longer revise or withdraw.",
                "Every bidder is told that bidding closed and that you are deciding.",
                "Nothing is charged: you pay only when you fund a milestone after hiring.",
            ],
            irreversible="Bidding cannot be reopened once the bids are open.",
        ))
    closed = run_action(
        request, lambda: services.job_close_bidding(actor=request.user, job=job, request=request),
        success="Bidding is closed. Compare the bids side by side below.", once_scope="jobs.close_bidding",
    )
    return redirect("bids:compare", job_id=pk) if closed else redirect("jobs:detail", pk=pk)


@login_required
def cancel(request, pk):
    job = selectors.job_owned_by(request.user, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contract_services.job_cancel(actor=request.user, job=job, reason=form.cleaned_data["reason"], request=request)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("jobs:detail", pk=pk)
        messages.success(request, "The job is cancelled. Bidders see in their bids that it is no longer available.")
        return redirect("jobs:mine")
    return render(request, "jobs/cancel.html", {"job": job, "form": form})


@login_required
@require_POST
def photo_add(request, pk):
    job = selectors.job_owned_by(request.user, pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose an image file to upload.")
    else:
        run_action(
            request, lambda: services.photo_add(actor=request.user, job=job, image=form.cleaned_data["image"], request=request),
            success="Photo added.",
        )
    return redirect(reverse("jobs:detail", args=[pk]) + "#photos")


@login_required
@require_POST
def photo_remove(request, pk, photo_id):
    job = selectors.job_owned_by(request.user, pk)
    photo = job.photos.filter(pk=photo_id).first()
    if photo is None:
        messages.error(request, "That photo no longer exists.")
    else:
        run_action(request, lambda: services.photo_remove(actor=request.user, photo=photo, request=request),
                   success="Photo removed.")
    return redirect(reverse("jobs:detail", args=[pk]) + "#photos")


@login_required
@require_POST
def ask(request, pk):
    job = selectors.job_for(request.user, pk)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
    else:
        posted = run_action(request, lambda: services.question_ask(actor=request.user, job=job, body=form.cleaned_data["body"], request=request),
                            success="Question posted. The answer will appear on this page for every bidder.")
        if not posted:  # keep what was typed, to fix and resend
            request.session[f"qa-draft:{job.pk}"] = form.cleaned_data["body"]
    return redirect(reverse("jobs:detail", args=[pk]) + "#questions")


@login_required
@require_POST
def answer(request, pk):
    question = selectors.question_of_owner(request.user, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write an answer first.")
    else:
        published = run_action(request, lambda: services.question_answer(actor=request.user, question=question, answer=form.cleaned_data["answer"], request=request),
                               success="Answer published.")
        if not published:
            request.session[f"qa-draft:{question.pk}"] = form.cleaned_data["answer"]
    return redirect(reverse("jobs:detail", args=[question.job_id]) + "#questions")
