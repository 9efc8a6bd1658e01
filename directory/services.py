"""Invitations: a homeowner asks a contractor to bid on one of their open jobs."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

import audit
from accounts.models import ContractorProfile, User
from accounts.services import require_not_suspended
from core.exceptions import Conflict, InvalidState, PermissionDenied, RateLimited, ValidationFailed
from jobs.images import clean_image
from jobs.models import Job
from notifications import notify

from .models import Invitation, InvitationOptOut, Logo, PortfolioPhoto

# Against spam: a homeowner inviting more contractors than this in a day is not choosing.
MAX_INVITATIONS_PER_DAY = 15
RATE_WINDOW = timedelta(days=1)


def invitations_enabled(contractor) -> bool:
    return not InvitationOptOut.objects.filter(contractor=contractor).exists()


def invitation_send(*, actor, contractor_id, job_id, request=None) -> Invitation:
    if not actor.is_homeowner:
        raise PermissionDenied("Only homeowners invite contractors to bid.")
    require_not_suspended(actor)
    contractor = User.objects.filter(pk=contractor_id, role=User.Role.CONTRACTOR, is_active=True,
                                     suspended_at__isnull=True).first()
    if contractor is None:
        raise ValidationFailed("This contractor cannot be invited.",
                               fields={"contractor": ["No listed contractor has this id."]})
    if not invitations_enabled(contractor):
        raise InvalidState(f"{contractor.display_name} is not taking invitations at the moment.")
    with transaction.atomic():
        # Lock order (core/locks.py): the job first; it also serialises two invitations
        # racing for the daily limit of the same homeowner's job.
        job = Job.objects.select_for_update().filter(pk=job_id, homeowner=actor).first()
        if job is None:
            raise ValidationFailed("Choose one of your jobs.", fields={"job": ["Choose one of your open jobs."]})
        if job.status != Job.Status.OPEN or job.hidden_at is not None:
            raise InvalidState("Only a job that is open for bids can take invitations.")
        now = timezone.now()
        recent = Invitation.objects.filter(homeowner=actor, created_at__gte=now - RATE_WINDOW)
        if recent.count() >= MAX_INVITATIONS_PER_DAY:
            oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
            raise RateLimited(f"You can invite up to {MAX_INVITATIONS_PER_DAY} contractors a day. Try again tomorrow.",
                              retry_after=max(1, int((oldest + RATE_WINDOW - now).total_seconds()) + 1))
        # Whether this contractor already bid must not change the answer: while bidding is
        # open the homeowner may not learn who bid (sealed bids). They are invited all the
        # same, only not notified about a job they know.
        already_bid = job.bids.filter(contractor=contractor).exists()
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(job=job, homeowner=actor, contractor=contractor)
        except IntegrityError:
            raise Conflict(f"You already invited {contractor.display_name} to bid on this job.") from None
        audit.record(actor, "invitation.sent", invitation, request=request, job=str(job.pk),
                     contractor=str(contractor.pk))
        if already_bid:
            return invitation
        # Only the job itself: never a bid count, amount or bidder (sealed bids).
        notify("bid.invited", contractor, {
            "homeowner_name": actor.display_name, "job_title": job.title, "place": f"{job.city}, {job.state}",
            "bidding_deadline": job.bidding_deadline,
            "url": reverse("jobs:detail", args=[job.pk])}, target=invitation)
    return invitation


def invitations_set(*, actor, enabled: bool, request=None) -> None:
    if not actor.is_contractor:
        raise PermissionDenied("Only contractors receive invitations.")
    if enabled:
        InvitationOptOut.objects.filter(contractor=actor).delete()
    else:
        InvitationOptOut.objects.get_or_create(contractor=actor)
    audit.record(actor, "invitation.settings", actor, request=request, enabled=enabled)


# --- portfolio ----------------------------------------------------------------------------
MAX_PORTFOLIO_PHOTOS = 30


def portfolio_add(*, actor, image, caption: str = "", request=None) -> PortfolioPhoto:
    if not actor.is_contractor:
        raise PermissionDenied("Only contractors have a portfolio.")
    clean = clean_image(image, max_bytes=10 * 1024 * 1024, max_pixels=25_000_000, field="image")  # EXIF stripped
    with transaction.atomic():
        # The contractor's profile row serialises two uploads racing for the 30th place.
        ContractorProfile.objects.select_for_update().filter(user=actor).first()
        count = PortfolioPhoto.objects.filter(contractor=actor).count()
        if count >= MAX_PORTFOLIO_PHOTOS:
            raise ValidationFailed(f"A portfolio holds up to {MAX_PORTFOLIO_PHOTOS} photos. Remove one first.",
                                   fields={"image": ["The portfolio is full."]})
        photo = PortfolioPhoto.objects.create(contractor=actor, image=clean.file, content_type=clean.content_type,
                                              caption=caption.strip()[:200], position=count + 1)
        audit.record(actor, "portfolio.added", photo, request=request)
    return photo


def portfolio_remove(*, actor, photo_id, request=None) -> None:
    with transaction.atomic():
        photo = PortfolioPhoto.objects.select_for_update().filter(pk=photo_id, contractor=actor).first()
        if photo is None:
            raise ValidationFailed("No such photo.")
        photo.delete()
        # Keep positions 1..n so "move up" and the limit stay simple.
        for position, pk in enumerate(PortfolioPhoto.objects.filter(contractor=actor).values_list("pk", flat=True), 1):
            PortfolioPhoto.objects.filter(pk=pk).update(position=position)
        audit.record(actor, "portfolio.removed", actor, request=request, photo=str(photo_id))


def portfolio_move_up(*, actor, photo_id) -> None:
    with transaction.atomic():
        photos = list(PortfolioPhoto.objects.select_for_update().filter(contractor=actor))
        index = next((i for i, p in enumerate(photos) if p.pk == photo_id), None)
        if index is None:
            raise ValidationFailed("No such photo.")
        if index == 0:
            return
        above, this = photos[index - 1], photos[index]
        above.position, this.position = this.position, above.position
        PortfolioPhoto.objects.bulk_update([above, this], ["position"])


# --- logo ---------------------------------------------------------------------------------
# Shown at most 160 CSS px wide (the profile), so 400 px covers high-density screens.
LOGO_SIZE = 400


def logo_set(*, actor, image, request=None) -> Logo:
    """Replace the contractor's logo: checked by content, EXIF stripped, scaled to fit
    LOGO_SIZE. The old file is deleted once the new row is committed."""
    if not actor.is_contractor:
        raise PermissionDenied("Only contractors have a logo.")
    clean = clean_image(image, max_bytes=5 * 1024 * 1024, max_pixels=25_000_000, field="logo", max_side=LOGO_SIZE)
    with transaction.atomic():
        ContractorProfile.objects.select_for_update().filter(user=actor).first()  # one upload at a time
        old = Logo.objects.filter(contractor=actor).first()
        if old is not None:
            old.delete()
            _delete_file_after_commit(old.image)
        logo = Logo.objects.create(contractor=actor, image=clean.file, content_type=clean.content_type,
                                   width=clean.width, height=clean.height)
        audit.record(actor, "logo.set", logo, request=request)
    return logo


def logo_remove(*, actor, request=None) -> None:
    with transaction.atomic():
        logo = Logo.objects.select_for_update().filter(contractor=actor).first()
        if logo is None:
            return
        logo.delete()
        _delete_file_after_commit(logo.image)
        audit.record(actor, "logo.removed", actor, request=request)


def _delete_file_after_commit(file) -> None:
    name, storage = file.name, file.storage
    transaction.on_commit(lambda: storage.delete(name))
