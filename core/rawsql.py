"""For the few hand-written queries on hot paths (the header, the dashboard's pre-check):
names come from the models, quoted; values are bound as the database stores them."""

import uuid
from datetime import datetime

from django.db import connection


def name(model, field: str | None = None) -> str:
    """The model's table, or one field's column, quoted for this database."""
    meta = model._meta
    return connection.ops.quote_name(meta.get_field(field).column if field else meta.db_table)


def bind(value):
    """UUIDs and times as the database stores them (text on SQLite); everything else as it is."""
    if isinstance(value, uuid.UUID):
        return value if connection.features.has_native_uuid_field else value.hex
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value
