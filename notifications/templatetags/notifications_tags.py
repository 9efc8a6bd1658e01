"""Header pieces for base.html: the bell with its unread count, and the bounced-email banner."""

from django import template

from notifications import selectors

register = template.Library()


def _header(request) -> selectors.HeaderState:
    """One query per page for both pieces (base.html shows the banner, then the bell)."""
    state = getattr(request, "_ftw_header_state", None)
    if state is None:
        state = selectors.header_state(getattr(request, "user", None))
        if request is not None:
            request._ftw_header_state = state
    return state


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context):
    request = context.get("request")
    count = _header(request).unread
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") == "notifications:list"
    return {"unread": count, "current": current}


@register.inclusion_tag("notifications/_email_banner.html", takes_context=True)
def email_problem_banner(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {"email_problem": ""}
    return {"email_problem": _header(request).email_problem, "user": user, "request": request}
