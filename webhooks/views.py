"""Settings → Webhooks: register endpoints, see the delivery log, resend, rotate, enable/disable."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError

from . import selectors, services
from .forms import EndpointForm

SESSION_SECRET = "new_webhook_secret"  # nosec B105 (a session key name, not a secret)


def _remember_secret(request, endpoint, secret):
    # Post/redirect/get: the secret rides in the session for exactly one page view.
    request.session[SESSION_SECRET] = {"endpoint": str(endpoint.pk), "secret": secret}


@login_required
def endpoint_list(request):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.endpoint_create(actor=request.user, request=request, **form.cleaned_data)
        except ApplicationError as exc:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            _remember_secret(request, endpoint, secret)
            messages.success(request, "Endpoint added. Copy its signing secret now: it will not be shown again.")
            return redirect("webhooks:detail", endpoint.pk)
    context = {"form": form, "endpoints": selectors.endpoints_of(request.user), "section": "webhooks"}
    return render(request, "webhooks/list.html", context)


@login_required
def endpoint_detail(request, pk):
    endpoint = selectors.endpoint_of(request.user, pk)
    page = Paginator(selectors.messages_of(endpoint), 20).get_page(request.GET.get("page"))
    new = request.session.pop(SESSION_SECRET, None)
    context = {
        "endpoint": endpoint, "page": page, "section": "webhooks",
        "new_secret": new["secret"] if new and new["endpoint"] == str(endpoint.pk) else None,
        "form": EndpointForm(initial={"url": endpoint.url, "description": endpoint.description,
                                      "event_types": endpoint.event_types}),
    }
    return render(request, "webhooks/detail.html", context)


@login_required
@require_POST
def endpoint_edit(request, pk):
    endpoint = selectors.endpoint_of(request.user, pk)
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            services.endpoint_update(actor=request.user, endpoint=endpoint, request=request, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Endpoint saved.")
    else:
        messages.error(request, "Check the URL and choose at least one event.")
    return redirect("webhooks:detail", endpoint.pk)


@login_required
@require_POST
def endpoint_toggle(request, pk):
    endpoint = selectors.endpoint_of(request.user, pk)
    enable = request.POST.get("enable") == "1"
    services.endpoint_update(actor=request.user, endpoint=endpoint, is_enabled=enable, request=request)
    messages.success(request, "Endpoint enabled: new events will be sent." if enable else
                     "Endpoint disabled: events are not sent until you enable it again.")
    return redirect("webhooks:detail", endpoint.pk)


@login_required
@require_POST
def endpoint_rotate(request, pk):
    endpoint, secret = services.endpoint_rotate_secret(actor=request.user, endpoint=selectors.endpoint_of(request.user, pk),
                                                       request=request)
    _remember_secret(request, endpoint, secret)
    messages.success(request, "New secret created. The old one keeps working for 24 hours.")
    return redirect("webhooks:detail", endpoint.pk)


@login_required
@require_POST
def endpoint_delete(request, pk):
    endpoint = selectors.endpoint_of(request.user, pk)
    services.endpoint_delete(actor=request.user, endpoint=endpoint, request=request)
    messages.success(request, f"Endpoint {endpoint.url} deleted.")
    return redirect("webhooks:list")


@login_required
@require_POST
def message_resend(request, pk):
    message = selectors.message_of(request.user, pk)
    try:
        services.message_resend(actor=request.user, message=message, request=request)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{message.event_type} ({message.msg_id}) queued to be sent again.")
    return redirect("webhooks:detail", message.endpoint_id)
