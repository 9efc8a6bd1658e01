from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.selectors import public_contractor
from core.exceptions import ApplicationError
from core.pagination import CappedPaginator
from credentials.selectors import standing_from, standing_of

from . import metrics, selectors, services
from .forms import DirectoryForm, InviteForm, LogoForm, PortfolioForm
from .models import Logo, PortfolioPhoto

PAGE_SIZE = 20


def directory(request):
    form = DirectoryForm(request.GET or None)
    filters = form.filters() if form.is_valid() else {}
    profiles = selectors.directory(**filters) if (form.is_valid() or not request.GET) else []
    page = CappedPaginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
    for profile in page.object_list:
        profile.standing = standing_from(profile.user.public_credentials)
        profile.metrics = selectors.metrics_of(profile)
        profile.logo = selectors.logo_of(profile.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "directory/directory.html", {"form": form, "page": page, "querystring": query.urlencode(),
                                                        "filtered": bool(request.GET)})


def contractor_profile(request, user_id):
    profile = selectors.public_profile(user_id, viewer=request.user)
    context = {"profile": profile, "standing": standing_of(profile.user_id), "metrics": selectors.metrics_of(profile),
               "logo": selectors.logo_of(profile.user), "own_profile": request.user.pk == profile.user_id,
               "invitations_enabled": services.invitations_enabled(profile.user),
               "portfolio": selectors.portfolio_of(profile.user_id), "rules": metrics.RULES}
    if request.user.is_authenticated and request.user.is_homeowner:
        context["invite_form"] = InviteForm(jobs=selectors.invitable_jobs(request.user))
    return render(request, "directory/profile.html", context)


@login_required
@require_POST
def invite(request, user_id):
    profile = public_contractor(user_id)  # 404 for anyone not listed
    form = InviteForm(request.POST, jobs=selectors.invitable_jobs(request.user))
    if not form.is_valid():
        messages.error(request, "Choose one of your open jobs.")
    else:
        try:
            services.invitation_send(actor=request.user, contractor_id=profile.user_id,
                                     job_id=form.cleaned_data["job"], request=request)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Invitation sent. {profile.business_name} can now see your job and bid on it.")
    return redirect("directory:profile", user_id=profile.user_id)


@login_required
@require_POST
def invitation_settings(request):
    try:
        services.invitations_set(actor=request.user, enabled=request.POST.get("enabled") == "on", request=request)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Saved.")
    return redirect("directory:profile", user_id=request.user.pk)


def _public_image(item, max_age: int):
    """Public images (portfolio, logo): S3 answers with a presigned redirect, local storage
    streams the file; either way never sniffed or run as anything but an image."""
    storage = item.image.storage
    if hasattr(storage, "bucket_name"):
        return HttpResponseRedirect(storage.url(item.image.name))
    response = FileResponse(item.image.open("rb"), content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


def portfolio_photo(request, user_id, photo_id):
    """Public: a portfolio is shown on the public profile."""
    return _public_image(get_object_or_404(PortfolioPhoto, pk=photo_id, contractor_id=user_id), 3600)


def logo(request, user_id, logo_id):
    """Public. A new upload is a new row with a new URL, so a day of caching shows no stale logo."""
    return _public_image(get_object_or_404(Logo, pk=logo_id, contractor_id=user_id), 86400)


@login_required
def portfolio(request):
    if not request.user.is_contractor:
        raise Http404
    form = PortfolioForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        action, photo_id = request.POST.get("action", "add"), request.POST.get("photo")
        try:
            if action == "remove":
                services.portfolio_remove(actor=request.user, photo_id=photo_id, request=request)
                messages.success(request, "Photo removed.")
                return redirect("directory:portfolio")
            if action == "up":
                services.portfolio_move_up(actor=request.user, photo_id=photo_id)
                return redirect("directory:portfolio")
            if form.is_valid():
                services.portfolio_add(actor=request.user, image=form.cleaned_data["image"],
                                       caption=form.cleaned_data["caption"], request=request)
                messages.success(request, "Photo added to your public profile.")
                return redirect("directory:portfolio")
        except ApplicationError as exc:
            form.add_error("image" if "image" in exc.fields else None, exc.message)
    return _portfolio_page(request, form, LogoForm())


def _portfolio_page(request, form, logo_form):
    photos = PortfolioPhoto.objects.filter(contractor=request.user)
    return render(request, "directory/portfolio.html", {
        "form": form, "photos": photos, "max_photos": services.MAX_PORTFOLIO_PHOTOS, "logo_form": logo_form,
        "logo": Logo.objects.filter(contractor=request.user).first(), "logo_size": services.LOGO_SIZE})


@login_required
@require_POST
def logo_settings(request):
    if not request.user.is_contractor:
        raise Http404
    if request.POST.get("action") == "remove":
        services.logo_remove(actor=request.user, request=request)
        messages.success(request, "Logo removed. Your initials show in its place.")
        return redirect("directory:portfolio")
    form = LogoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.logo_set(actor=request.user, image=form.cleaned_data["logo"], request=request)
        except ApplicationError as exc:
            form.add_error("logo", exc.message)
        else:
            messages.success(request, "Logo saved. It shows on your profile, in the directory and on your bids.")
            return redirect("directory:portfolio")
    return _portfolio_page(request, PortfolioForm(), form)
