"""Signed-in sessions for the load test's seeded accounts, written to a JSON file.

    python manage.py loadtest_sessions --out loadtest/reports/<run>/sessions.json

Most people who use the site every day come back signed in (a two-week session cookie);
only a few type their password on a given visit. The load test gives most of its simulated
people one of these sessions and lets the rest sign in through the form, so that the run
measures the site and not 300 Argon2 hashes (~0.28 s of CPU each) in its first 30 seconds.

Only `lt-*@scale.test` accounts made by `seed_scale` get one, and the command refuses the
production settings as seed_scale does: a file of live sessions is a set of keys to accounts.
"""

import json
from datetime import timedelta
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User

from .seed_scale import DOMAIN

SESSION_BACKEND = "accounts.backends.EmailBackend"  # the one a password sign-in records


class Command(BaseCommand):
    help = "Write signed-in sessions of the load test's seeded accounts to a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="JSON file: {email: session key}.")
        parser.add_argument("--hours", type=int, default=12, help="How long the sessions live.")

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith(".production"):
            raise CommandError("loadtest_sessions signs accounts in without a password; it refuses production.")
        store_class = import_module(settings.SESSION_ENGINE).SessionStore
        expiry = timezone.now() + timedelta(hours=options["hours"])
        users = User.objects.filter(email__startswith="lt-", email__endswith="@" + DOMAIN, is_active=True).exclude(
            email__startswith="lt-partner-"
        ).order_by("email")
        sessions = {}
        for user in users.iterator():
            store = store_class()
            store[SESSION_KEY] = user._meta.pk.value_to_string(user)
            store[BACKEND_SESSION_KEY] = SESSION_BACKEND
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.set_expiry(expiry)
            store.create()
            sessions[user.email] = store.session_key
        if not sessions:
            raise CommandError("No load-test accounts: run `manage.py seed_scale` first.")
        path = Path(options["out"])
        path.write_text(json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "sessions": sessions}))
        path.chmod(0o600)
        self.stdout.write(f"loadtest_sessions: {len(sessions)} sessions in {path}")
