from django import template

from ..views import evidence_url

register = template.Library()


@register.simple_tag(takes_context=True)
def evidence_link(context, file):
    """A link to an evidence file that works only for the person viewing the page."""
    return evidence_url(file, context["user"])
