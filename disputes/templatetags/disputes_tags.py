from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def contract_disputes(contract, user):
    """For the contract page partial: its disputes (one query) and what this user may dispute."""
    return {
        "disputes": selectors.disputes_of_contract(contract),
        "disputable": selectors.disputable_milestones(contract, user),
    }
