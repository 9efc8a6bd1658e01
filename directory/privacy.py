"""The directory app's personal data (core.privacy): logo, portfolio photos, invitations sent
or received, the choice to receive no invitations, and the profile metrics derived from the
person's contracts."""

from django.db.models import Q

from core.privacy import Blocker

from .models import ContractorStats, Invitation, InvitationOptOut, Logo, PortfolioPhoto


def export(user) -> dict:
    logo = Logo.objects.filter(contractor=user).first()
    stats = ContractorStats.objects.filter(contractor=user).first()
    return {
        "logo": {"uploaded_at": logo.created_at, "width": logo.width, "height": logo.height} if logo else None,
        "portfolio": [{"caption": p.caption, "position": p.position, "added_at": p.created_at}
                      for p in PortfolioPhoto.objects.filter(contractor=user).order_by("position")],
        "invitations": [{
            "job": i.job.title, "direction": "sent" if i.homeowner_id == user.pk else "received", "at": i.created_at,
        } for i in Invitation.objects.filter(Q(homeowner=user) | Q(contractor=user)).select_related("job")
            .order_by("created_at")],
        "invitations_turned_off": InvitationOptOut.objects.filter(contractor=user).exists(),
        "profile_metrics": {
            "contracts": stats.contracts, "contracts_disputed": stats.contracts_disputed,
            "milestones_completed": stats.milestones_completed, "milestones_on_time": stats.milestones_on_time,
            "reply_samples": stats.reply_samples, "reply_median_minutes": stats.reply_median_minutes,
            "computed_at": stats.computed_at,
        } if stats else None,
    }


def erasure_blockers(user) -> list[Blocker]:
    return []


def erase(user) -> None:
    """Logo and portfolio photos (files too), invitations, the opt-out and the metrics go:
    nobody else relies on them (the contracts they were counted from stay, in their apps)."""
    for item in [*PortfolioPhoto.objects.filter(contractor=user), *Logo.objects.filter(contractor=user)]:
        item.image.delete(save=False)
    PortfolioPhoto.objects.filter(contractor=user).delete()
    Logo.objects.filter(contractor=user).delete()
    Invitation.objects.filter(Q(homeowner=user) | Q(contractor=user)).delete()
    InvitationOptOut.objects.filter(contractor=user).delete()
    ContractorStats.objects.filter(contractor=user).delete()
