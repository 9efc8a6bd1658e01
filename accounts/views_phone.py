"""Web pages for phone verification (the service is accounts/phone.py)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from core.exceptions import ApplicationError
from notifications.services import sms_opted_out

from . import phone as phone_service


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label="Mobile number", max_length=40,
        help_text="A US mobile number that can receive texts, e.g. (512) 555-0100.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="6-digit code", max_length=12,
        help_text="From the text message we just sent. It is valid for 10 minutes.",
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*", "class": "code-input",
        }),
    )


def _apply_error(form, exc: ApplicationError) -> None:
    field = next((name for name in exc.fields if name in form.fields), None)
    form.add_error(field, exc.message)


@login_required
def phone(request):
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    phone_form = PhoneForm(request.POST if action == "send" else None)
    code_form = CodeForm(request.POST if action == "verify" else None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if action == "send" and phone_form.is_valid():
        try:
            verification = phone_service.phone_start(actor=user, phone=phone_form.cleaned_data["phone"], request=request)
        except ApplicationError as exc:
            _apply_error(phone_form, exc)
        else:
            messages.success(request, f"We texted a code to {phone_service.format_phone(verification.phone)}.")
            return redirect(f"{request.path}?next={next_url}" if next_url else request.path)
    elif action == "verify" and code_form.is_valid():
        try:
            phone_service.phone_verify(actor=user, code=code_form.cleaned_data["code"], request=request)
        except ApplicationError as exc:
            _apply_error(code_form, exc)
        else:
            messages.success(request, "Your phone number is verified.")
            return redirect(next_url or "accounts:phone")
    pending = phone_service.pending_verification(user)
    context = {
        "phone_form": phone_form,
        "code_form": code_form,
        "pending": pending,
        "pending_display": phone_service.format_phone(pending.phone) if pending else "",
        "verified_display": phone_service.format_phone(user.phone) if user.phone_verified else "",
        "next": next_url,
        "sms_opted_out": bool(user.phone_verified and sms_opted_out(user.phone)),
    }
    return render(request, "accounts/phone.html", context)
