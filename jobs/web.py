"""Small helpers shared by the marketplace's web views (jobs, bids, contracts)."""

from django.contrib import messages

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


def run_action(request, action, *, success: str) -> bool:
    """Call a service for a POST button; show its error as a message instead of failing."""
    try:
        action()
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True
