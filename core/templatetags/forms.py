from django import template
from django.utils.html import format_html

from core import once

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context):
    """<input type=hidden name=form_token>: a fresh token, or the one the form was posted
    with when it is shown again with errors (so a corrected resubmit is still one)."""
    request = context.get("request")
    token = once.token_of(request) if request is not None and request.method == "POST" else ""
    return format_html('<input type="hidden" name="{}" value="{}">', once.FIELD, token or once.new_token())
