from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from contracts.selectors import contract_for
from core.exceptions import ApplicationError
from jobs.web import errors_to_form

from . import selectors, services
from .forms import ReplyForm, ReviewForm


@login_required
def write(request, contract_id):
    contract = contract_for(request.user, contract_id)
    if request.user.pk not in (contract.homeowner_id, contract.contractor_id):
        raise Http404
    window = services.review_window(contract)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_submit(actor=request.user, contract_id=contract.pk, request=request,
                                            rating=form.cleaned_data["rating"], body=form.cleaned_data["body"])
        except ApplicationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Thanks! Both reviews are now published." if review.published_at else
                             "Thanks! Your review stays hidden until the other party reviews too, or the window closes.")
            return redirect("reviews:write", contract_id=contract.pk)
    reviews = selectors.reviews_of_contract_for(request.user, contract)
    mine = next((r for r in reviews if r.author_id == request.user.pk), None)
    other = next((r for r in reviews if r.author_id != request.user.pk), None)
    subject = contract.contractor if request.user.pk == contract.homeowner_id else contract.homeowner
    return render(request, "reviews/write.html", {
        "contract": contract, "window": window, "form": form, "mine": mine, "other": other, "subject": subject,
        "reply_form": ReplyForm(), "now": timezone.now(),
    })


def user_reviews(request, user_id):
    subject = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    page = Paginator(selectors.public_reviews_of(subject.pk), 20).get_page(request.GET.get("page"))
    return render(request, "reviews/user.html", {"subject": subject, "page": page})


@login_required
@require_POST
def reply(request, review_id):
    review = selectors.public_review(review_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.review_reply(actor=request.user, review_id=review.pk, body=form.cleaned_data["body"],
                                  request=request)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Reply published.")
    else:
        messages.error(request, "Write your reply (at most 2000 characters).")
    return redirect("reviews:user", user_id=review.subject_id)
