"""Tokens created before scopes existed keep working: each gets every scope of its user's role
(payments:write included, since it could move money before), staff every scope."""

from django.db import migrations

# Frozen copy of accounts.scopes at the time of this migration (migrations must not import
# code that may change later).
ALL = ["jobs:read", "jobs:write", "bids:read", "bids:write", "contracts:read", "contracts:write",
       "payments:write", "webhooks:manage", "account:read", "account:write"]
COMMON = {"contracts:read", "contracts:write", "webhooks:manage", "account:read", "account:write", "jobs:read",
          "bids:read", "jobs:write", "payments:write"}
ROLE = {"homeowner": COMMON, "contractor": COMMON | {"bids:write"}}


def backfill(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.select_related("user").filter(scopes=[]).iterator():
        allowed = set(ALL) if token.user.is_staff else ROLE.get(token.user.role, set())
        token.scopes = [s for s in ALL if s in allowed]
        token.save(update_fields=["scopes"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_apitoken_expires_at_apitoken_scopes")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
