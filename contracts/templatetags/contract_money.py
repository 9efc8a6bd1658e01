"""Money data for the contract page's extension templates, computed once per request.

The contract page includes contracts/_milestone_actions.html once per milestone; the first
call computes the whole contract's money (a fixed number of queries) and caches it on the
request, so the page's query count does not grow with its milestones.
"""

from django import template

from .. import selectors
from ..views import evidence_url

register = template.Library()


def _money(context, contract):
    request = context.get("request")
    cache = getattr(request, "_contract_money", None) if request is not None else None
    if cache is None:
        cache = {}
        if request is not None:
            request._contract_money = cache
    if contract.pk not in cache:
        cache[contract.pk] = selectors.contract_money(contract, context["user"])
    return cache[contract.pk]


@register.simple_tag(takes_context=True)
def contract_money(context, contract):
    return _money(context, contract)


@register.simple_tag(takes_context=True)
def milestone_money(context, milestone):
    money = _money(context, milestone.contract)
    for row in money.milestones:
        if row.milestone.pk == milestone.pk:
            return row
    return None


@register.simple_tag(takes_context=True)
def evidence_link(context, file):
    return evidence_url(file, context["user"])
