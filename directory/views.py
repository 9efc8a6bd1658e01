from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.selectors import public_contractor
from core.exceptions import ApplicationError
from credentials.selectors import standing_from

from . import selectors, services
from .forms import DirectoryForm, InviteForm

PAGE_SIZE = 20


def directory(request):
    form = DirectoryForm(request.GET or None)
    filters = form.filters() if form.is_valid() else {}
    profiles = selectors.directory(**filters) if (form.is_valid() or not request.GET) else []
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
    for profile in page.object_list:
        profile.standing = standing_from(profile.user.public_credentials)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "directory/directory.html", {"form": form, "page": page, "querystring": query.urlencode(),
                                                        "filtered": bool(request.GET)})


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
    return redirect("accounts:contractor_profile", user_id=profile.user_id)


@login_required
@require_POST
def invitation_settings(request):
    try:
        services.invitations_set(actor=request.user, enabled=request.POST.get("enabled") == "on", request=request)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Saved.")
    return redirect("accounts:contractor_profile", user_id=request.user.pk)
