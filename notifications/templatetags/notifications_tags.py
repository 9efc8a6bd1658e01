"""Header pieces for base.html: the bell with its unread count, and the bounced-email banner."""

from django import template

from notifications import selectors, services

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    count = selectors.unread_count(user) if user is not None else 0
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") == "notifications:list"
    return {"unread": count, "current": current}


@register.inclusion_tag("notifications/_email_banner.html", takes_context=True)
def email_problem_banner(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {"suppression": None}
    return {"suppression": services.active_suppression(user.email), "user": user, "request": request}
