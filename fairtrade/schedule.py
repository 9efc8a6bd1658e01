"""Celery beat: every periodic job of every app, listed by hand. Plain data only (settings
import this module, so it must not import models)."""

from accounts.schedule import SCHEDULE as ACCOUNTS
from analytics.schedule import SCHEDULE as ANALYTICS
from contracts.schedule import SCHEDULE as CONTRACTS
from core.schedule import SCHEDULE as CORE
from credentials.schedule import SCHEDULE as CREDENTIALS
from directory.schedule import SCHEDULE as DIRECTORY
from disputes.schedule import SCHEDULE as DISPUTES
from jobs.schedule import SCHEDULE as JOBS
from notifications.schedule import SCHEDULE as NOTIFICATIONS
from payments.schedule import SCHEDULE as PAYMENTS
from reviews.schedule import SCHEDULE as REVIEWS
from webhooks.schedule import SCHEDULE as WEBHOOKS

BEAT_SCHEDULE = {**ACCOUNTS, **CORE, **JOBS, **NOTIFICATIONS, **PAYMENTS, **CONTRACTS, **DISPUTES, **REVIEWS, **ANALYTICS,
                 **WEBHOOKS, **CREDENTIALS, **DIRECTORY}
