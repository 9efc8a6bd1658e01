from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def recent_reviews(user_id):
    """Recent public reviews about a user: one query, whatever the number of reviews."""
    return selectors.recent_reviews_of(user_id)


@register.simple_tag
def contract_review_state(contract, user, disputes=None):
    """For the contract page: may this user review, and what is there already (`disputes`:
    the contract's disputes the page already read)."""
    from .. import services

    if user.pk not in (contract.homeowner_id, contract.contractor_id):
        return None
    window = services.review_window(contract, disputes)
    if window is None:
        return None
    reviews = selectors.reviews_of_contract_for(user, contract)
    mine = next((r for r in reviews if r.author_id == user.pk), None)
    from django.utils import timezone

    return {"window_closes_at": window[1], "open": timezone.now() < window[1], "mine": mine, "reviews": reviews}
