"""A RunSQL that runs on PostgreSQL only: SQLite (the embedded default) has no materialized
views, and analytics.selectors answers there with plain queries instead."""

from django.db import migrations


class PostgresRunSQL(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
