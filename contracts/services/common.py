"""Helpers shared by the contract services: locking in the global order, permissions, links."""

from django.urls import reverse

from core.exceptions import PermissionDenied

from ..models import Contract, Milestone


def contract_url(contract) -> str:
    return reverse("contracts:detail", args=[contract.pk])


def lock_contract(contract_id) -> Contract:
    """Lock a contract's job, then the contract (core.locks). Returns the locked contract."""
    from jobs.models import Job

    job_id = Contract.objects.values_list("job_id", flat=True).get(pk=contract_id)
    Job.objects.select_for_update().get(pk=job_id)
    # of=("self",): lock the contract row only, not the users joined for display.
    return Contract.objects.select_for_update(of=("self",)).select_related("job", "homeowner", "contractor").get(
        pk=contract_id)


def lock_milestone(milestone_id) -> Milestone:
    """Lock job, contract, then milestone (core.locks) and return the locked milestone.

    The ids above the milestone never change, so reading them first without a lock is safe.
    Every service that starts from a milestone locks through here: the lifecycle below,
    disputes, and payments (registered as its milestone owner in contracts.apps).
    """
    contract_id = Milestone.objects.values_list("contract_id", flat=True).get(pk=milestone_id)
    lock_contract(contract_id)
    return Milestone.objects.select_for_update(of=("self",)).select_related(
        "contract__job", "contract__homeowner", "contract__contractor"
    ).get(pk=milestone_id)


def require(actor, user, message):
    if actor is None or actor.pk != user.pk:
        raise PermissionDenied(message)
