"""The credentials app's personal data (core.privacy): licenses, insurance and bonds the
contractor submitted, with their review outcome. Staff reviewers are not named."""

from core.privacy import Blocker

from .models import Credential


def export(user) -> dict:
    return {"credentials": [{
        "kind": c.get_kind_display(), "number": c.number, "state": c.state, "class": c.license_class,
        "issuer": c.issuer, "coverage_cents": c.coverage_cents, "currency": c.currency, "expires_on": c.expires_on,
        "status": c.get_status_display(), "document": c.document_name, "submitted_at": c.created_at,
        "verified_at": c.verified_at, "rejection_reason": c.rejection_reason,
    } for c in Credential.objects.filter(contractor=user).order_by("created_at")]}


def erasure_blockers(user) -> list[Blocker]:
    return []


def erase(user) -> None:
    """Credentials and their documents go: a license or policy of a closed account vouches for
    nobody, and the document is the person's own paper. Files are deleted from storage too."""
    for credential in Credential.objects.filter(contractor=user):
        if credential.document:
            credential.document.delete(save=False)
    Credential.objects.filter(contractor=user).delete()
