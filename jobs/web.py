"""Small helpers shared by the marketplace's web views (jobs, bids, contracts, disputes)."""

from django.contrib import messages

from core import once
from core.exceptions import ApplicationError


def errors_to_form(form, exc: ApplicationError, aliases: dict | None = None) -> None:
    """Show a service's field errors on the matching form fields, the rest on top."""
    aliases = aliases or {}
    placed = False
    for field, problems in (exc.fields or {}).items():
        name = aliases.get(field, field)
        for problem in problems:
            if name in form.fields:
                form.add_error(name, problem)
                placed = True
            else:
                form.add_error(None, problem)
                placed = True
    if not placed:
        form.add_error(None, exc.message)


def run_action(request, action, *, success: str, once_scope: str = "") -> bool:
    """Call a service for a POST button; show its error as a message instead of failing.

    With `once_scope`, the form's one-time token (core.once) makes a repeated submission (a
    double click, a resent POST) a no-op that answers like the first one did (True).
    """
    try:
        if once_scope:
            with once.submit_once(request, scope=once_scope):
                action()
        else:
            action()
    except once.AlreadySubmitted:
        return True
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def run_form_once(request, form, action, *, scope: str, success, result_url, aliases: dict | None = None) -> str | None:
    """The write of a valid form, once per rendered form (core.once): returns the page to go
    to next (the result's, or for a repeat the first submission's), or None with the
    service's errors on the form. `success` and `result_url` take the action's result."""
    try:
        with once.submit_once(request, scope=scope) as claim:
            result = action()
            url = result_url(result)
            claim.done(url)
    except once.AlreadySubmitted as repeat:
        return repeat.result_url or request.path
    except ApplicationError as exc:
        errors_to_form(form, exc, aliases)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return url
