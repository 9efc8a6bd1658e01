from django import template

from messaging.selectors import attachment_url

register = template.Library()


@register.simple_tag(takes_context=True)
def attachment_link(context, attachment):
    """A link that works only for the person viewing the page, for ten minutes."""
    return attachment_url(attachment, context["user"])
