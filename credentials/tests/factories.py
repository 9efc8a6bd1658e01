from datetime import timedelta

from django.utils import timezone

from credentials import services
from credentials.models import Credential
from payments.tests.images import pdf_upload, png_upload


def add_credential(contractor, kind="license", *, days=365, **fields) -> Credential:
    """Through the service, so the document goes through the real upload validation."""
    defaults = {"license": {"number": "M-40213", "state": "TX", "license_class": "Master Plumber"},
                "insurance": {"number": "GL-88-1001", "issuer": "Lone Star Mutual", "coverage_cents": 100_000_000},
                "bond": {"number": "B-77", "issuer": "Surety Co", "coverage_cents": 2_500_000}}[kind]
    document = fields.pop("document", None) or (pdf_upload("license.pdf") if kind == "license" else png_upload("coi.png"))
    return services.credential_add(actor=contractor, kind=kind, expires_on=timezone.localdate() + timedelta(days=days),
                                   document=document, **{**defaults, **fields})


def verified(contractor, kind="license", *, staff, days=365, **fields) -> Credential:
    credential = add_credential(contractor, kind, days=days, **fields)
    return services.credential_verify(actor=staff, credential_id=credential.pk)
