"""Contracts, their milestones, submissions and evidence are visible to the two parties and
staff; anyone else gets a 404. What a contract's money did is read in contracts.money."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Contract, EvidenceFile, Milestone


def contracts_visible_to(user) -> QuerySet[Contract]:
    if user is None or not user.is_authenticated:
        return Contract.objects.none()
    contracts = Contract.objects.select_related(
        "job", "job__category", "bid", "homeowner", "contractor", "contractor__contractor_profile"
    ).prefetch_related(Prefetch("milestones", queryset=Milestone.objects.select_related("escrow").order_by("position")))
    if user.is_staff:
        return contracts
    return contracts.filter(Q(homeowner=user) | Q(contractor=user))


def contract_for(user, pk) -> Contract:
    return get_object_or_404(contracts_visible_to(user), pk=pk)


def live_contract_of_job(job) -> Contract | None:
    return job.contracts.exclude(status=Contract.Status.CANCELLED).first()


def milestone_for(user, pk) -> Milestone:
    contracts = contracts_visible_to(user)
    return get_object_or_404(Milestone.objects.select_related("contract").filter(contract__in=contracts), pk=pk)


def evidence_file_for(user, pk) -> EvidenceFile:
    if user is None or not user.is_authenticated:
        raise Http404
    files = EvidenceFile.objects.select_related("submission__milestone__contract")
    if not user.is_staff:
        files = files.filter(Q(submission__milestone__contract__homeowner=user)
                             | Q(submission__milestone__contract__contractor=user))
    return get_object_or_404(files, pk=pk)


def with_live_contracts(bids: QuerySet) -> QuerySet:
    """My bids page: each bid with the live contract it won, if any (bids cannot import contracts)."""
    return bids.prefetch_related(
        Prefetch("contracts", queryset=Contract.objects.exclude(status=Contract.Status.CANCELLED),
                 to_attr="live_contracts"))
