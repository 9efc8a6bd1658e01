from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from core.exceptions import ApplicationError

from . import selectors, services
from .forms import CredentialForm

DOCUMENT_LINK_SECONDS = 600
_signer = signing.TimestampSigner(salt="credentials.document")


def document_token(credential_id, user_id) -> str:
    return _signer.sign(f"{credential_id}.{user_id}").split(":", 1)[1]


def document_url(credential, user) -> str:
    """A link that works for this viewer only, for ten minutes."""
    return reverse("credentials:document", args=[credential.pk, document_token(credential.pk, user.pk)])


@login_required
def mine(request):
    if not request.user.is_contractor:
        raise Http404
    form = CredentialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.credential_add(actor=request.user, request=request, **form.cleaned_data)
        except ApplicationError as exc:
            for name, errors in exc.fields.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(request, "Added. Our staff check it against the issuing authority, usually within two "
                                      "business days; until then it shows as awaiting review, not verified.")
            return redirect("credentials:mine")
    credentials = selectors.credentials_of(request.user)
    for credential in credentials:
        credential.effective = selectors.effective_status(credential)
        credential.link = document_url(credential, request.user)
    return render(request, "credentials/mine.html", {"form": form, "credentials": credentials,
                                                     "self_reported": selectors.self_reported(request.user.contractor_profile)})


@never_cache
@login_required
def document(request, credential_id, token):
    try:
        _signer.unsign(f"{credential_id}.{request.user.pk}:{token}", max_age=DOCUMENT_LINK_SECONDS)
    except signing.BadSignature as exc:
        raise Http404("This link has expired. Reload the page.") from exc
    credential = selectors.document_for(request.user, credential_id)
    storage = credential.document.storage
    if hasattr(storage, "bucket_name"):
        return HttpResponseRedirect(storage.url(credential.document.name))  # S3: short-lived presigned URL
    response = FileResponse(credential.document.open("rb"), content_type=credential.document_type)
    ext = ".pdf" if credential.is_pdf else "." + credential.document_type.split("/")[-1].replace("jpeg", "jpg")
    response["Content-Disposition"] = f'inline; filename="credential-{str(credential.pk)[:8]}{ext}"'
    response["X-Content-Type-Options"] = "nosniff"
    # Inline, framed only by our own review page. Images are sandboxed; a PDF cannot be (the
    # browser's viewer refuses a sandboxed frame), which is why the upload check refuses
    # PDFs with scripts, launch actions or embedded files.
    response["Content-Security-Policy"] = ("default-src 'none'; frame-ancestors 'self'" if credential.is_pdf
                                           else "sandbox; default-src 'none'; img-src 'self'; frame-ancestors 'self'")
    response["Cache-Control"] = "private, no-store"
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response
