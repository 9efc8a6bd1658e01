from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import ApplicationError

from . import events as catalogue
from . import selectors, services
from .forms import PreferencesForm, UnsubscribeForm
from .rendering import read_unsubscribe_token

PAGE_SIZE = 20


@login_required
def notification_list(request):
    show = "unread" if request.GET.get("show") == "unread" else "all"
    queryset = selectors.notifications_of(request.user, unread_only=show == "unread")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = selectors.unread_count(request.user)
    return render(request, "notifications/list.html", {"page": page, "show": show, "unread": unread})


@login_required
@require_GET
def unread_count(request):
    return JsonResponse({"unread": selectors.unread_count(request.user)})


@login_required
@require_POST
def open_notification(request, notification_id):
    notification = selectors.notification_of(request.user, notification_id)
    services.notification_mark_read(actor=request.user, notification=notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_read(request, notification_id):
    notification = selectors.notification_of(request.user, notification_id)
    services.notification_mark_read(actor=request.user, notification=notification)
    return redirect(_back(request))


@login_required
@require_POST
def read_all(request):
    count = services.notifications_mark_all_read(actor=request.user)
    if count:
        messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect(_back(request))


def _back(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "notifications:list"


@login_required
def preferences(request):
    user = request.user
    prefs = services.preference_map(user)
    sms_available = bool(user.phone_verified and user.phone)
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm(data, user=user, prefs=prefs, sms_available=sms_available)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(actor=user, choices=form.choices(), request=request)
        messages.success(request, "Notification preferences saved.")
        return redirect("notifications:preferences")
    context = {
        "form": form,
        "sms_available": sms_available,
        "sms_opted_out": bool(user.phone) and services.sms_opted_out(user.phone),
        "suppression": services.active_suppression(user.email),
    }
    return render(request, "notifications/preferences.html", context)


@login_required
@require_POST
def email_retry(request):
    if services.email_suppression_clear(actor=request.user, request=request):
        messages.success(request, f"Thanks. We will email {request.user.email} again.")
    return redirect(_back(request) if request.POST.get("next") else "notifications:preferences")


def unsubscribe(request, token):
    """From an email's link; the signed token identifies the person, no login needed."""
    data = read_unsubscribe_token(token)
    user = get_user_model().objects.filter(pk=data["u"]).first() if data else None
    event = catalogue.EVENTS.get(data["e"]) if data else None
    if user is None or event is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    form = UnsubscribeForm(request.POST if request.method == "POST" else None)
    done = None
    if request.method == "POST" and form.is_valid():
        try:
            done = services.unsubscribe(
                user=user, event_key=event.key, everything=form.cleaned_data["everything"], request=request
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
    context = {"form": form, "event": event, "email": user.email, "done": done}
    return render(request, "notifications/unsubscribe.html", context)
