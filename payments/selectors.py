"""Reads of money data, decided by who is asking. Parties and staff only; others 404.

Reads that need a contract's visibility (a milestone's money, the contract page's money
panel, a contract's payments) live in contracts.selectors: payments never imports contracts.
"""

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Payment, PayoutAccount, Refund, Release


def payment_for(user, pk) -> Payment:
    """Receipts: the two parties of the contract and staff."""
    if user is None or not user.is_authenticated:
        raise Http404
    payments = Payment.objects.select_related("milestone__contract__job", "milestone__contract__contractor",
                                              "milestone__contract__homeowner", "payer")
    if not user.is_staff:
        payments = payments.filter(Q(milestone__contract__homeowner=user) | Q(milestone__contract__contractor=user))
    return get_object_or_404(payments, pk=pk)


REQUIREMENT_LABELS = {
    "external_account": "A bank account for payouts",
    "tos_acceptance": "Accepting Stripe's terms of service",
    "individual.dob": "Your date of birth",
    "individual.ssn_last_4": "The last 4 digits of your SSN",
    "individual.id_number": "Your taxpayer ID",
    "individual.address": "Your home address",
    "individual.verification": "A photo ID",
    "business_profile": "A short description of your business",
    "individual.phone": "Your phone number",
    "individual.email": "Your email address",
    "individual.first_name": "Your legal name",
    "individual.last_name": "Your legal name",
}


def requirement_labels(codes: list[str]) -> list[str]:
    """Stripe's requirement codes (individual.dob.day, ...) as sentences, each once."""
    labels = []
    for code in codes:
        label = next((text for prefix, text in REQUIREMENT_LABELS.items() if code.startswith(prefix)), None)
        label = label or code.replace(".", " ").replace("_", " ").capitalize()
        if label not in labels:
            labels.append(label)
    return labels


def payouts_for(user) -> dict:
    account = PayoutAccount.objects.filter(user=user).first()
    releases = list(Release.objects.filter(contractor=user).select_related("milestone__contract__job")
                    .order_by("-created_at")[:100])
    sums = dict(Release.objects.filter(contractor=user).values_list("status").annotate(s=Sum("amount_cents")))
    return {
        "account": account,
        "requirements": requirement_labels(account.requirements_due) if account else [],
        "releases": releases,
        "released_cents": sums.get(Release.Status.SUCCEEDED, 0),
        "pending_cents": sum(sums.get(status, 0) for status in Release.OUTSTANDING),
        "waiting_cents": sums.get(Release.Status.WAITING, 0),
    }


def contract_payments(contract) -> dict[str, QuerySet]:
    """A contract's money rows. The caller (contracts.selectors) decided it may be seen."""
    return {
        "payments": Payment.objects.filter(milestone__contract=contract).order_by("created_at"),
        "releases": Release.objects.filter(milestone__contract=contract).order_by("created_at"),
        "refunds": Refund.objects.filter(milestone__contract=contract).order_by("created_at"),
    }
