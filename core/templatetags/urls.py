"""`{% url %}` through core.reversing (installed as a template builtin in settings, so it
replaces Django's tag everywhere): same syntax, same output, same errors."""

from uuid import UUID

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from core.reversing import reverse_uuids

register = template.Library()


class UUIDURLNode(defaulttags.URLNode):
    def render(self, context):
        if self.kwargs:
            return super().render(context)
        args = [arg.resolve(context) for arg in self.args]
        if not all(isinstance(arg, UUID) for arg in args):
            return super().render(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse_uuids(self.view_name.resolve(context), args, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return UUIDURLNode(node.view_name, node.args, node.kwargs, node.asvar)
