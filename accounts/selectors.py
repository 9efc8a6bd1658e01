"""Reads that depend on who is asking."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import ApiToken, ContractorProfile, DataExport, User


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")


def token_of(user: User, token_id) -> ApiToken:
    """Someone else's token answers 404, like one that never existed."""
    return get_object_or_404(tokens_of(user), pk=token_id)


def listed(profiles: QuerySet[ContractorProfile]) -> QuerySet[ContractorProfile]:
    """What anyone may find: open accounts with a business name, not removed by moderators
    and not suspended. Every list of contractors (directory, API) starts here."""
    return profiles.filter(user__is_active=True, hidden_at__isnull=True, user__suspended_at__isnull=True).exclude(
        business_name="")


def public_contractors() -> QuerySet[ContractorProfile]:
    return listed(ContractorProfile.objects.all()).select_related("user").prefetch_related("trades")


def contractors_seen_by(viewer, user_id) -> QuerySet[ContractorProfile]:
    """For the profile page: the public ones for everyone; a profile removed by moderators
    or of a suspended account still for its owner (who is shown why) and staff."""
    if viewer is not None and viewer.is_authenticated and (viewer.is_staff or str(viewer.pk) == str(user_id)):
        return (ContractorProfile.objects.filter(user__is_active=True).exclude(business_name="")
                .select_related("user").prefetch_related("trades"))
    return public_contractors()


def public_contractor(user_id, viewer=None) -> ContractorProfile:
    return get_object_or_404(contractors_seen_by(viewer, user_id), user_id=user_id)


def data_exports_of(user: User) -> QuerySet[DataExport]:
    """The person's five most recent exports, for the privacy page."""
    return DataExport.objects.filter(user=user).order_by("-created_at")[:5]


def tokens_revoked_with_password(user: User, *, since=None) -> list[str]:
    """Names of the tokens revoked by the person's latest password change or reset (only if
    that change happened after `since`)."""
    revoked = ApiToken.objects.filter(user=user, revoked_reason=ApiToken.RevokedReason.PASSWORD)
    if since is not None:
        revoked = revoked.filter(revoked_at__gte=since)
    latest = revoked.order_by("-revoked_at").values_list("revoked_at", flat=True).first()
    if latest is None:
        return []
    return list(ApiToken.objects.filter(user=user, revoked_reason=ApiToken.RevokedReason.PASSWORD, revoked_at=latest)
                .order_by("created_at").values_list("name", flat=True))
