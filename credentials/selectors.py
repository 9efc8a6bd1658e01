"""Reads of credentials that depend on who is asking, and the badge rule in one place."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from bids.models import Bid

from .models import Credential

PUBLIC_STATUSES = (Credential.Status.SUBMITTED, Credential.Status.VERIFIED, Credential.Status.EXPIRED)


def effective_status(credential: Credential, today: date | None = None) -> str:
    """A verified credential whose date has come is expired even before the sweep runs."""
    today = today or timezone.localdate()
    if credential.status in (Credential.Status.VERIFIED, Credential.Status.SUBMITTED) and credential.expires_on <= today:
        return Credential.Status.EXPIRED
    return credential.status


@dataclass
class Standing:
    """What the public may know of one contractor's credentials."""

    badges: dict = field(default_factory=dict)  # kind -> verified, unexpired Credential
    pending: set = field(default_factory=set)  # kinds awaiting staff review
    lapsed: dict = field(default_factory=dict)  # kind -> the latest once-verified Credential now expired

    def has(self, kind) -> bool:
        return kind in self.badges

    @property
    def license(self):
        return self.badges.get(Credential.Kind.LICENSE)

    @property
    def insurance(self):
        return self.badges.get(Credential.Kind.INSURANCE)

    @property
    def bond(self):
        return self.badges.get(Credential.Kind.BOND)

    @property
    def insurance_lapsed(self):
        return None if self.insurance else self.lapsed.get(Credential.Kind.INSURANCE)


def _public_rows():
    return (Credential.objects.filter(status__in=PUBLIC_STATUSES)
            .only("id", "contractor_id", "kind", "status", "state", "expires_on", "verified_at")
            .order_by("expires_on"))


def prefetch_public(lookup: str = "user__credentials") -> Prefetch:
    """For list pages and endpoints: every contractor's public credentials in one query,
    on `<user>.public_credentials`."""
    return Prefetch(lookup, queryset=_public_rows(), to_attr="public_credentials")


def standing_from(rows, today: date | None = None) -> Standing:
    today = today or timezone.localdate()
    standing = Standing()
    for credential in sorted(rows, key=lambda c: c.expires_on):
        status = effective_status(credential, today)
        if status == Credential.Status.VERIFIED:
            standing.badges[credential.kind] = credential  # by date: the longest-lasting wins
        elif status == Credential.Status.SUBMITTED:
            standing.pending.add(credential.kind)
        elif credential.verified_at is not None:
            standing.lapsed[credential.kind] = credential
    return standing


def standings_for(contractor_ids) -> dict:
    """contractor id -> Standing, in one query for any number of contractors."""
    ids = list(contractor_ids)
    rows: dict = {pk: [] for pk in ids}
    if ids:
        for credential in _public_rows().filter(contractor_id__in=ids):
            rows[credential.contractor_id].append(credential)
    today = timezone.localdate()
    return {pk: standing_from(found, today) for pk, found in rows.items()}


def standing_of(contractor_id) -> Standing:
    return standings_for([contractor_id])[contractor_id]


def public_credentials(user) -> list[dict]:
    """The API shape: what was claimed and what staff made of it; rejections stay private.
    Uses `user.public_credentials` when prefetched (prefetch_public)."""
    today = timezone.localdate()
    rows = getattr(user, "public_credentials", None)
    if rows is None:
        rows = list(_public_rows().filter(contractor_id=user.pk))
    rows = sorted(rows, key=lambda c: (c.kind, -c.expires_on.toordinal()))
    return [{"kind": c.kind, "status": effective_status(c, today), "expires_on": c.expires_on,
             "verified_at": c.verified_at} for c in rows]


def credentials_of(contractor) -> list[Credential]:
    return list(Credential.objects.filter(contractor=contractor).order_by("-created_at"))


def review_queue():
    """Staff queue: oldest first, so nobody waits longest."""
    return Credential.objects.filter(status=Credential.Status.SUBMITTED).select_related("contractor").order_by("created_at")


def can_view_document(user, credential: Credential) -> bool:
    """The contractor, staff, and a homeowner who has a bid from this contractor on one of
    their jobs (they are deciding whether to hire them)."""
    if not user.is_authenticated:
        return False
    if user.is_staff or credential.contractor_id == user.pk:
        return True
    return Bid.objects.filter(contractor_id=credential.contractor_id, job__homeowner=user).exists()


def document_for(user, credential_id) -> Credential:
    credential = Credential.objects.filter(pk=credential_id).first()
    if credential is None or not can_view_document(user, credential):
        raise Http404("No such document.")
    return credential


def insurance_gap(contractor_id, *, starts_on: date, days: int) -> Credential | None:
    """The contractor's verified insurance if it ends before the work does (a warning on the
    contract for both parties); None when it covers the timeline or there is none to warn about."""
    ends_on = max(starts_on, timezone.localdate()) + timedelta(days=days)
    standing = standing_of(contractor_id)
    insurance = standing.insurance or standing.lapsed.get(Credential.Kind.INSURANCE)
    if insurance is not None and insurance.expires_on <= ends_on:
        return insurance
    return None


def self_reported(profile) -> dict:
    """What the contractor typed on their profile and nobody checked."""
    return {k: v for k, v in {
        "license_number": profile.license_number, "license_state": profile.license_state,
        "license_expires_on": profile.license_expires_on, "insurance_expires_on": profile.insurance_expires_on,
    }.items() if v}




def annotate_bids(bids) -> None:
    """Give each bid its contractor's standing (one query for all) and, when their verified
    insurance lapsed after the bid was placed, the date it lapsed: the homeowner priced a
    bid from an insured contractor who no longer is."""
    standings = standings_for({bid.contractor_id for bid in bids})
    for bid in bids:
        bid.standing = standings[bid.contractor_id]
        lapsed = bid.standing.insurance_lapsed
        bid.insurance_expired_on = (lapsed.expires_on if lapsed and bid.created_at.date() < lapsed.expires_on
                                    else None)
