"""PostgreSQL keeps the plans of the queries a connection repeats (server-side binding)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection


@pytest.mark.django_db
def test_a_repeated_query_runs_as_a_prepared_statement():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    users = get_user_model().objects
    for number in range(6):  # psycopg prepares a statement on its 5th run in a connection
        list(users.filter(email=f"nobody-{number}@example.com"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    prepared = [text for text in statements if "accounts_user" in text and '"email" = $1' in text]
    assert prepared, statements  # values bound as $1, not quoted into the SQL: one plan for all
