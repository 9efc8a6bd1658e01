"""Every app that holds personal data, listed by hand (like urls.py, api.py and schedule.py).

The accounts app runs export and erasure (accounts.personal_data) but sits low in the layers
and must not import the apps above it; it receives this list from the entry points (the
privacy views and the export task), which may import anything. A forgotten app is caught by
fairtrade/tests/test_privacy_wiring.py (every model that points at a user belongs to an
app listed here), not silently skipped as discovery by naming convention did.

Order: the export's sections read in this order; erasure runs it backwards, so the audit
log and notifications are scrubbed while the account still has its addresses, and the
account itself is pseudonymised last.
"""

from accounts import personal_data
from accounts import privacy as accounts
from analytics import privacy as analytics
from audit import privacy as audit
from bids import privacy as bids
from contracts import privacy as contracts
from credentials import privacy as credentials
from directory import privacy as directory
from disputes import privacy as disputes
from jobs import privacy as jobs
from messaging import privacy as messaging
from moderation import privacy as moderation
from notifications import privacy as notifications
from payments import privacy as payments
from reviews import privacy as reviews
from webhooks import privacy as webhooks

CONTRIBUTORS = (accounts, credentials, directory, jobs, bids, contracts, payments, disputes, reviews, messaging,
                moderation, webhooks, notifications, analytics, audit)


def erasure_blockers(user):
    return personal_data.erasure_blockers(user, contributors=CONTRIBUTORS)


def account_erase(*, actor, request=None) -> str:
    return personal_data.account_erase(actor=actor, contributors=CONTRIBUTORS, request=request)


def data_export_build(*, export_id):
    return personal_data.data_export_build(export_id=export_id, contributors=CONTRIBUTORS)


def personal_data_of(user) -> dict:
    return personal_data.personal_data(user, contributors=CONTRIBUTORS)
