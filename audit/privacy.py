"""The audit log's personal data (core.privacy).

The log is append-only and stays on erasure (security investigations, fraud, the law).
What would still name the person directly is rewritten once, here and nowhere else: their
email address in an entry's description (`target_repr`, e.g. "dana@example.com") and in
failed sign-in entries (`data.email`). Actor links stay, to the pseudonymised account.
"""

import re

from django.db import models
from django.db.models import Q

from core.privacy import Blocker

from .models import AuditLog


def _about(user) -> Q:
    return Q(actor=user) | Q(target_type=user._meta.label_lower, target_id=str(user.pk))


def export(user) -> dict:
    entries = []
    label = user._meta.label_lower
    for entry in AuditLog.objects.filter(_about(user)).order_by("created_at"):
        about_them = entry.target_type == label and entry.target_id == str(user.pk)
        entries.append({
            "when": entry.created_at,
            "action": entry.action,
            "by": "you" if entry.actor_id == user.pk else ("FairTradeWorker" if entry.actor_id is None else "staff"),
            "object": entry.target_type,
            # What staff or the person did to someone else's object stays out: its description
            # and payload may name that other person.
            "detail": entry.target_repr if about_them else "",
            "data": entry.data if about_them or entry.target_type == "" else {},
            "ip_address": entry.ip_address if entry.actor_id == user.pk or about_them else None,
        })
    return {"entries": entries}


def erasure_blockers(user) -> list[Blocker]:
    return []


def erase(user) -> None:
    from allauth.account.models import EmailAddress

    addresses = {user.email.lower(), *(e.lower() for e in EmailAddress.objects.filter(user=user)
                                       .values_list("email", flat=True))}
    replacement = f"erased user {str(user.pk)[:8]}"
    # The one sanctioned rewrite of the log: a plain QuerySet, not the append-only manager.
    raw = models.QuerySet(model=AuditLog)
    for address in addresses:
        for entry in raw.filter(target_repr__icontains=address).only("pk", "target_repr"):
            raw.filter(pk=entry.pk).update(target_repr=re.sub(re.escape(address), replacement, entry.target_repr, flags=re.IGNORECASE))
        for entry in raw.filter(data__email__iexact=address).only("pk", "data"):
            raw.filter(pk=entry.pk).update(data={**entry.data, "email": replacement})

