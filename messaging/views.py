"""The contract thread on the contract page: loaded and posted with htmx (no reload); the
same URLs serve a full page when JavaScript is off."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import once, private_files
from core.exceptions import ApplicationError
from disputes.selectors import dispute_for
from jobs.web import errors_to_form

from . import selectors, services
from .forms import MessageForm


def _thread_context(request, contract, form=None):
    writer = selectors.can_write(request.user, contract)
    thread = list(selectors.messages_of(contract, request.user))
    read_before = selectors.last_read_at(request.user, contract) if writer else None
    if writer:
        services.thread_mark_read(actor=request.user, contract=contract)
    return {
        "contract": contract,
        "thread": thread,
        "read_before": read_before,
        "can_write": writer and contract.status in services.WRITABLE,
        "can_report": writer,  # a party reports the other party's messages (moderation)
        "form": form or MessageForm(),
        "open_dispute": selectors.open_dispute_of(contract) if writer else None,
    }


def _render(request, contract, form=None, status=200):
    template = "messaging/_thread.html" if request.htmx else "messaging/thread.html"
    return render(request, template, _thread_context(request, contract, form), status=status)


@never_cache
@login_required
def thread(request, pk):
    contract = selectors.thread_contract_for(request.user, pk)
    if request.htmx and request.GET.get("part") == "list":
        ctx = _thread_context(request, contract)
        return render(request, "messaging/_messages.html", ctx)
    return _render(request, contract)


@login_required
@require_POST
def post(request, pk):
    contract = selectors.thread_contract_for(request.user, pk)
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, contract, form, status=200 if request.htmx else 400)
    try:
        with once.submit_once(request, scope="messaging.post") as claim:
            services.message_post(actor=request.user, contract_id=contract.pk, body=form.cleaned_data["body"],
                                  files=form.cleaned_data["attachments"], request=request)
            claim.done(services.thread_url(contract))
    except once.AlreadySubmitted:
        pass  # a double click: the first one was sent; show the thread as it is
    except ApplicationError as exc:
        errors_to_form(form, exc, {"files": "attachments"})
        return _render(request, contract, form, status=200 if request.htmx else 400)
    if request.htmx:
        return _render(request, contract)
    flash.success(request, "Message sent.")
    return redirect(services.thread_url(contract))


@never_cache
@login_required
def attachment(request, pk, token):
    selectors.check_attachment_link(request.user, pk, token)
    item = selectors.attachment_for(request.user, pk)
    return private_files.serve(item.file, content_type=item.content_type, kind=item.kind,
                               stem=f"message-{str(item.pk)[:8]}")


@login_required
@require_POST
def cite(request, dispute_id, message_id):
    dispute = dispute_for(request.user, dispute_id)
    try:
        services.message_cite(actor=request.user, dispute_id=dispute.pk, message_id=message_id, request=request)
    except ApplicationError as exc:
        flash.error(request, exc.message)
    else:
        flash.success(request, "The message is now part of the dispute's evidence.")
    return redirect("disputes:detail", pk=dispute.pk)
