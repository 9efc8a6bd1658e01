"""The directory app's personal data (core.privacy): portfolio photos, invitations sent or
received, and the choice to receive no invitations."""

from django.db.models import Q

from core.privacy import Blocker

from .models import Invitation, InvitationOptOut, PortfolioPhoto


def export(user) -> dict:
    return {
        "portfolio": [{"caption": p.caption, "position": p.position, "added_at": p.created_at}
                      for p in PortfolioPhoto.objects.filter(contractor=user).order_by("position")],
        "invitations": [{
            "job": i.job.title, "direction": "sent" if i.homeowner_id == user.pk else "received", "at": i.created_at,
        } for i in Invitation.objects.filter(Q(homeowner=user) | Q(contractor=user)).select_related("job")
            .order_by("created_at")],
        "invitations_turned_off": InvitationOptOut.objects.filter(contractor=user).exists(),
    }


def erasure_blockers(user) -> list[Blocker]:
    return []


def erase(user) -> None:
    """Portfolio photos (files too), invitations and the opt-out go: nobody else relies on them."""
    for photo in PortfolioPhoto.objects.filter(contractor=user):
        photo.image.delete(save=False)
    PortfolioPhoto.objects.filter(contractor=user).delete()
    Invitation.objects.filter(Q(homeowner=user) | Q(contractor=user)).delete()
    InvitationOptOut.objects.filter(contractor=user).delete()
