"""Contracts are visible to their two parties and staff; anyone else gets a 404."""

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import Contract, Milestone


def contracts_visible_to(user) -> QuerySet[Contract]:
    if user is None or not user.is_authenticated:
        return Contract.objects.none()
    contracts = Contract.objects.select_related(
        "job", "job__category", "homeowner", "contractor", "contractor__contractor_profile"
    ).prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("position")))
    if user.is_staff:
        return contracts
    return contracts.filter(Q(homeowner=user) | Q(contractor=user))


def contract_for(user, pk) -> Contract:
    return get_object_or_404(contracts_visible_to(user), pk=pk)


def live_contract_of_job(job) -> Contract | None:
    return job.contracts.exclude(status=Contract.Status.CANCELLED).first()
