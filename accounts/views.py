from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

import audit
from core.exceptions import ApplicationError
from fairtrade import privacy
from notifications import security

from . import personal_data, selectors, services
from .forms import AccountEraseForm, ApiTokenForm, ContractorOnboardingForm, HomeownerOnboardingForm, ProfileForm


@login_required
def dashboard(request):
    if not request.user.profile_complete:
        return redirect("accounts:onboarding")
    # An entry point may read any app: the to-do list is assembled by the top-layer dashboard app.
    from dashboard.selectors import recent_activity, todos_for

    return render(request, "accounts/dashboard.html", {"todos": todos_for(request.user),
                                                       "activity": recent_activity(request.user)})


@login_required
def onboarding(request):
    user = request.user
    if user.is_contractor:
        instance = getattr(user, "contractor_profile", None)
        form = ContractorOnboardingForm(request.POST or None, instance=instance)
        if request.method == "POST" and form.is_valid():
            services.contractor_profile_save(
                actor=user, trades=form.cleaned_data["trades"], request=request, **form.profile_fields()
            )
            messages.success(request, "Your contractor profile is ready. Homeowners can now see it.")
            return redirect("accounts:dashboard")
    else:
        profile = getattr(user, "homeowner_profile", None)
        form = HomeownerOnboardingForm(request.POST or None, initial={"zip_code": profile.zip_code if profile else ""})
        if request.method == "POST" and form.is_valid():
            services.homeowner_profile_save(actor=user, zip_code=form.cleaned_data["zip_code"], request=request)
            messages.success(request, "You're all set. Post your first job whenever you're ready.")
            return redirect("accounts:dashboard")
    first_time = not user.profile_complete
    # First visit is a focused step of sign-up; later it is one page of the settings.
    base_template = "base.html" if first_time else "allauth/layouts/manage.html"
    return render(request, "accounts/onboarding.html", {"form": form, "first_time": first_time, "base_template": base_template})


@login_required
def settings_profile(request):
    form = ProfileForm(request.POST or None, initial={"full_name": request.user.full_name,
                                                      "time_zone": request.user.time_zone or "UTC"})
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(actor=request.user, full_name=form.cleaned_data["full_name"],
                                     time_zone=form.cleaned_data["time_zone"] or None, request=request)
        messages.success(request, "Profile saved.")
        return redirect("accounts:settings_profile")
    return render(request, "accounts/settings_profile.html", {"form": form, "section": "profile"})


@login_required
def api_tokens(request):
    form = ApiTokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(
                actor=request.user, name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(), request=request,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            # Post/redirect/get: the secret rides in the session for exactly one page view,
            # so a reload neither re-creates a token nor shows the secret again.
            security.api_token_created(request.user, token, request=request)
            request.session["new_api_token"] = raw
            messages.success(request, f"Token “{token.name}” created. Copy it now: it will not be shown again.")
            return redirect("accounts:api_tokens")
    context = {
        "form": form,
        "tokens": selectors.tokens_of(request.user),
        "new_token": request.session.pop("new_api_token", None),
        "section": "tokens",
    }
    return render(request, "accounts/api_tokens.html", context)


@login_required
@require_POST
def api_token_revoke(request, token_id):
    token = selectors.token_of(request.user, token_id)
    services.api_token_revoke(actor=request.user, token=token, request=request)
    messages.success(request, f"Token “{token.name}” revoked. Programs using it stop working at once.")
    return redirect("accounts:api_tokens")


@login_required
def settings_privacy(request):
    form = AccountEraseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        goodbye = security.account_closed_message(request.user)
        try:
            privacy.account_erase(actor=request.user, request=request)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            request.user.refresh_from_db()  # the logout's audit entry must see the pseudonym, not the old address
            security.send_account_closed(goodbye)
            logout(request)
            messages.success(request, "Your account is closed and your personal data erased.")
            return redirect("home")
    context = {
        "form": form,
        "section": "privacy",
        "blockers": privacy.erasure_blockers(request.user),
        "exports": [(export, personal_data.export_token(export) if export.status == "ready" else "")
                    for export in selectors.data_exports_of(request.user)],
        "export_days": personal_data.EXPORT_TTL.days,
    }
    return render(request, "accounts/settings_privacy.html", context)


@login_required
@require_POST
def data_export(request):
    export = personal_data.data_export_request(actor=request.user, request=request)
    if export.status == export.Status.READY:
        messages.success(request, "Your data is ready: download it below.")
    else:
        messages.success(request, "We're preparing your data. We'll tell you (in the app and by email) when it's ready.")
    return redirect("accounts:settings_privacy")


@login_required
def data_export_download(request, token):
    export = personal_data.export_from_token(request.user, token)
    if export is None:
        raise Http404("This download link is not valid or has expired.")
    audit.record(request.user, "account.data_downloaded", export, request)
    name = f"fairtradeworker-my-data-{export.ready_at:%Y-%m-%d}.zip"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=name, content_type="application/zip")
