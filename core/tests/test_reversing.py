"""core.reversing and the `{% url %}` builtin built on it give exactly what reverse() gives."""

import uuid

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse, set_script_prefix
from django.urls.converters import UUIDConverter

from core.reversing import reverse_uuids


def _named(patterns, namespace="", converters=()):
    for pattern in patterns:
        found = (*converters, *getattr(pattern.pattern, "converters", {}).values())
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named(pattern.url_patterns, inner, found)
        elif pattern.name and getattr(pattern.pattern, "regex", None) is not None:
            yield namespace + pattern.name, found


def _outcome(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except NoReverseMatch:
        return NoReverseMatch


def test_every_url_of_the_site_that_takes_uuids_reverses_the_same():
    checked = 0
    for name, converters in _named(get_resolver().url_patterns):
        if not all(isinstance(converter, UUIDConverter) for converter in converters):
            continue
        for _ in range(2):  # the second call uses the cached pieces
            args = [uuid.uuid4() for _ in converters]
            assert _outcome(reverse_uuids, name, args) == _outcome(reverse, name, args=args), name
        checked += 1
    assert checked > 80  # the walk reached the apps' URLs, not only a few


def test_other_arguments_and_unknown_names_go_to_reverse():
    assert reverse_uuids("jobs:detail", [str(uuid.UUID(int=7))]) == reverse("jobs:detail", args=[str(uuid.UUID(int=7))])
    with pytest.raises(NoReverseMatch):
        reverse_uuids("jobs:no-such-page", [uuid.uuid4()])
    with pytest.raises(NoReverseMatch):
        reverse_uuids("jobs:detail", [uuid.uuid4(), uuid.uuid4()])


def test_the_script_prefix_is_part_of_the_url():
    pk = uuid.uuid4()
    plain = reverse_uuids("jobs:detail", [pk])
    set_script_prefix("/market/")
    try:
        assert reverse_uuids("jobs:detail", [pk]) == "/market" + plain == reverse("jobs:detail", args=[pk])
    finally:
        set_script_prefix("/")
    assert reverse_uuids("jobs:detail", [pk]) == plain


def test_the_url_tag_renders_what_djangos_would():
    pk, other = uuid.uuid4(), uuid.uuid4()
    template = Template(
        "{% url 'jobs:detail' pk %}|{% url 'jobs:photo' pk other %}|{% url 'jobs:board' as board %}{{ board }}|"
        "{% url 'jobs:detail' pk=pk %}|{% url 'jobs:detail' text %}|{% url 'nope' pk as missing %}[{{ missing }}]")
    from core.templatetags.urls import UUIDURLNode

    assert sum(isinstance(node, UUIDURLNode) for node in template.nodelist) == 6  # the builtin replaced Django's tag
    rendered = template.render(Context({"pk": pk, "other": other, "text": str(pk)}))
    assert rendered == "|".join([
        reverse("jobs:detail", args=[pk]), reverse("jobs:photo", args=[pk, other]), reverse("jobs:board"),
        reverse("jobs:detail", kwargs={"pk": pk}), reverse("jobs:detail", args=[str(pk)]), "[]"])
    with pytest.raises(NoReverseMatch):
        Template("{% url 'nope' pk %}").render(Context({"pk": pk}))
