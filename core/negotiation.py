"""API content negotiation (its own module: rest_framework.views reads this setting at
import time, so it cannot live in core.api, which imports rest_framework.views)."""

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    """Checks the request body's content type on every API request, not only on the ones
    whose view happens to read `request.data`: an action endpoint that reads no body
    (withdraw, accept, revoke, mark read) must answer 415 to a text/plain or XML body just
    like the others (API.md: "A body of another content type gets 415"). A request without
    a body is left alone, whatever headers it carries."""

    def select_renderer(self, request, renderers, format_suffix=None):
        if _has_body(request):
            content_type = request.content_type or ""
            if self.select_parser(request, getattr(request, "parsers", ())) is None:
                raise exceptions.UnsupportedMediaType(content_type or "(none)")
        return super().select_renderer(request, renderers, format_suffix)


def _has_body(request) -> bool:
    meta = request.META
    try:
        length = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return length > 0 or "HTTP_TRANSFER_ENCODING" in meta
