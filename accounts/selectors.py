"""Reads that depend on who is asking."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import ApiToken, ContractorProfile, User


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")


def token_of(user: User, token_id) -> ApiToken:
    """Someone else's token answers 404, like one that never existed."""
    return get_object_or_404(tokens_of(user), pk=token_id)


def public_contractors() -> QuerySet[ContractorProfile]:
    return (
        ContractorProfile.objects.filter(user__is_active=True)
        .exclude(business_name="")
        .select_related("user")
        .prefetch_related("trades")
    )


def public_contractor(user_id) -> ContractorProfile:
    return get_object_or_404(public_contractors(), user_id=user_id)
