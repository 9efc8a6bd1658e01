"""The contracts app's personal data (core.privacy): contracts the person is party to, their
milestones, and the completion submissions with their evidence files."""

from django.db.models import Prefetch, Q
from django.urls import reverse

from core.money import format_cents
from core.privacy import Blocker
from jobs.models import Job
from jobs.privacy import UNFINISHED

from . import services
from .models import Contract, Milestone, Submission

LIVE = (Contract.Status.AWAITING_FUNDING, Contract.Status.ACTIVE)


def _parties(user):
    return Q(homeowner=user) | Q(contractor=user)


def export(user) -> dict:
    submissions = Submission.objects.prefetch_related("files").order_by("created_at")
    contracts = (Contract.objects.filter(_parties(user)).select_related("job", "homeowner", "contractor__contractor_profile")
                 .prefetch_related(Prefetch("milestones", Milestone.objects.prefetch_related(
                     Prefetch("submissions", submissions)))).order_by("created_at"))
    out = []
    for contract in contracts:
        homeowner = contract.homeowner_id == user.pk
        other = contract.contractor if homeowner else contract.homeowner
        out.append({
            "job": contract.job.title,
            "your_role": "homeowner" if homeowner else "contractor",
            # The other party's name as the site shows it: never their address or phone.
            "other_party": other.display_name,
            "total_cents": contract.total_cents,
            "platform_fee_bps": contract.fee_bps if homeowner else None,
            "currency": contract.currency,
            "status": contract.get_status_display(),
            "created_at": contract.created_at,
            "activated_at": contract.activated_at,
            "completed_at": contract.completed_at,
            "cancelled_at": contract.cancelled_at,
            "milestones": [{
                "position": m.position,
                "title": m.title,
                "amount_cents": m.amount_cents,
                "fee_cents": m.fee_cents if homeowner else None,
                "status": m.get_status_display(),
                "funded_at": m.funded_at,
                "submitted_at": m.submitted_at,
                "released_at": m.released_at,
                "closed_at": m.closed_at,
                "submissions": [{
                    "notes": s.notes,
                    "submitted_at": s.created_at,
                    "changes_requested": s.changes_requested_note,
                    "changes_requested_at": s.changes_requested_at,
                    "files": [f.original_name for f in s.files.all()],
                } for s in m.submissions.all()],
            } for m in contract.milestones.all()],
        })
    return {"contracts": out}


def erasure_blockers(user) -> list[Blocker]:
    contracts = (Contract.objects.filter(_parties(user), status__in=LIVE).select_related("job")
                 .prefetch_related("milestones").order_by("created_at"))
    blockers = []
    for contract in contracts:
        held = sum(m.amount_cents for m in contract.milestones.all() if m.status in Milestone.IN_ESCROW)
        if held:
            text = (f"{format_cents(held, contract.currency)} is held in escrow on your contract for "
                    f"“{contract.job.title}”: it must be released or refunded first.")
        elif contract.status == Contract.Status.AWAITING_FUNDING:
            text = f"Your contract for “{contract.job.title}” is awaiting funding: fund it or cancel it first."
        else:
            text = f"Your contract for “{contract.job.title}” is not completed yet."
        blockers.append(Blocker(text, reverse("contracts:detail", args=[contract.pk]), "Open the contract"))
    return blockers


def erase(user) -> None:
    """The person's drafts and jobs left without live bids are cancelled, through the one job
    cancellation path (it lives here, with the contracts it may have to cancel).

    Nothing is removed: contracts, milestones, submissions and their evidence are the money
    history of a deal with another person, who relies on them (warranty, disputes, taxes).
    They stay, pointing at the pseudonymised account."""
    for job in Job.objects.filter(homeowner=user, status__in=UNFINISHED).order_by("created_at"):
        services.job_cancel(actor=user, job=job, reason="account closed")
