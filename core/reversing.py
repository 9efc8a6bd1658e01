"""reverse() without its cost for the URLs every page builds many times.

Django's reverse() walks the resolver's candidates, checks each against its pattern and quotes
the result: ~40 µs per call, and a signed-in list page makes 30+ of them (`{% url %}` in the
navigation and in every row), 13 % of /jobs/mine/'s profile. Nearly all of them take only
UUIDs (every model's primary key) or nothing, and a URL that takes UUIDs is the same text
around them whatever the UUIDs are. So each (name, number of UUIDs) is reversed once with
marker UUIDs, split around them, and later calls only join the pieces.

Anything else (keyword arguments, ints, strings) goes to reverse() itself, as does a name
whose URL does not show each marker exactly once. The pieces are kept per script prefix,
URLconf and current app, and forgotten when ROOT_URLCONF changes.
"""

import uuid

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

_MARKERS = tuple(uuid.UUID(f"5e1ec7ed-0000-4000-8000-{position:012x}") for position in range(1, 7))
_pieces: dict = {}


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _pieces.clear()


def _split(viewname, count, current_app):
    """The URL's text around `count` UUIDs, or None when it cannot be split reliably."""
    markers = _MARKERS[:count]
    url = reverse(viewname, args=markers, current_app=current_app)
    pieces, rest = [], url
    for marker in map(str, markers):
        if url.count(marker) != 1:
            return None
        head, _, rest = rest.partition(marker)
        pieces.append(head)
    return (*pieces, rest)


def reverse_uuids(viewname, args=(), current_app=None) -> str:
    """reverse(viewname, args=args, current_app=current_app), fast when every arg is a UUID."""
    if len(args) > len(_MARKERS) or not all(isinstance(arg, uuid.UUID) for arg in args):
        return reverse(viewname, args=args, current_app=current_app)
    key = (get_script_prefix(), get_urlconf(), viewname, len(args), current_app)
    pieces = _pieces.get(key)
    if pieces is None:
        pieces = _pieces[key] = _split(viewname, len(args), current_app) or ()
    if not pieces:
        return reverse(viewname, args=args, current_app=current_app)
    parts = [pieces[0]]
    for arg, piece in zip(args, pieces[1:], strict=True):
        parts += (str(arg), piece)
    return "".join(parts)
