"""Forms that cannot be submitted twice: a one-time token per rendered form.

Every state-changing form renders `{% form_token %}` (a random hidden value). The view runs
its write inside `submit_once(request)`, which inserts a `FormSubmission(user, token)` row in
the same transaction as the write. A second submission of the same rendered form (a double
click, a retried POST, a back-and-resubmit) hits the unique constraint: it waits for the
first to commit, then gets the first one's result page instead of doing the write again.
If the first submission fails (invalid input, a 409), its transaction rolls back with the
row, so the person can correct the form and send it again with the same token.

The database is what makes this hold under real concurrency; the button that disables itself
on submit (static/js/forms.js) is only a courtesy.
"""

import re
import secrets
from contextlib import contextmanager

from django.db import IntegrityError, transaction

FIELD = "form_token"
_VALID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class AlreadySubmitted(Exception):
    """This form was already submitted; `result_url` is where the first submission led."""

    def __init__(self, result_url: str):
        super().__init__(result_url)
        self.result_url = result_url


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_of(request) -> str:
    token = (request.POST.get(FIELD) or request.headers.get("Idempotency-Key") or "").strip()
    return token if _VALID.match(token) else ""


class _Claim:
    def __init__(self, row):
        self.row = row

    def done(self, result_url: str) -> None:
        """Record where the first submission led, for the duplicates that follow it."""
        if self.row is not None:
            self.row.result_url = result_url[:500]
            self.row.save(update_fields=["result_url"])


def earlier_result(request) -> str | None:
    """Where an accepted earlier submission of this very form led ("" if it named no page);
    None when there was none. For a view that refuses a POST on the object's state before it
    reaches submit_once: a double click still lands where the first click did."""
    token = token_of(request)
    if not token or not request.user.is_authenticated:
        return None
    from .models import FormSubmission

    return FormSubmission.objects.filter(user_id=request.user.pk, token=token).values_list(
        "result_url", flat=True).first()


@contextmanager
def submit_once(request, *, scope: str):
    """with submit_once(request, scope="jobs.create") as claim: ...write...; claim.done(url)

    Raises AlreadySubmitted (outside the transaction) for a repeated token. Requests without
    a token (old pages, scripts) are not deduplicated; every form of the site sends one.
    """
    from .models import FormSubmission

    token = token_of(request)
    user_id = request.user.pk if request.user.is_authenticated else None
    if not token or user_id is None:
        with transaction.atomic():
            yield _Claim(None)
        return
    previous = earlier_result(request)
    if previous is not None:
        raise AlreadySubmitted(previous)
    try:
        with transaction.atomic():
            # A concurrent duplicate blocks here on the unique index until the first commits.
            row = FormSubmission.objects.create(user_id=user_id, token=token, scope=scope)
            yield _Claim(row)
    except IntegrityError:
        previous = FormSubmission.objects.filter(user_id=user_id, token=token).first()
        if previous is None:
            raise
        raise AlreadySubmitted(previous.result_url) from None
