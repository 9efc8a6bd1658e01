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


def _other_session(sql):
    """Run DDL from another PostgreSQL session, as a migration does during a rolling deploy."""
    import psycopg

    params = connection.get_connection_params()
    for key in ("context", "cursor_factory", "prepare_threshold", "server_side_binding"):
        params.pop(key, None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute(sql)


def _names(slug):
    from jobs.models import Category

    return list(Category.objects.filter(slug=slug).values_list("name", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_plan_made_stale_by_a_migration_elsewhere_is_forgotten_not_repeated():
    from django.db import transaction
    from django.db.utils import NotSupportedError

    from core.preparedstatements import forget_stale_plans
    from jobs.models import Category

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    Category.objects.create(slug="stale-plan", name="Stale plan")
    assert forget_stale_plans in connection.execute_wrappers  # installed on connect (core/apps.py)
    try:
        for _ in range(7):
            assert _names("stale-plan") == ["Stale plan"]  # prepared from the 6th run on
        _other_session('ALTER TABLE "jobs_category" ALTER COLUMN "name" TYPE varchar(81)')
        # Outside a transaction: the statement is deallocated and run again.
        assert _names("stale-plan") == ["Stale plan"]

        for _ in range(7):
            _names("stale-plan")
        _other_session('ALTER TABLE "jobs_category" ALTER COLUMN "name" TYPE varchar(82)')
        # Inside one: this transaction fails, the rollback makes psycopg forget, the next works.
        with pytest.raises(NotSupportedError), transaction.atomic():
            _names("stale-plan")
        assert _names("stale-plan") == ["Stale plan"]

        # Without the wrapper the same stale plan fails at every use.
        for _ in range(7):
            _names("stale-plan")
        _other_session('ALTER TABLE "jobs_category" ALTER COLUMN "name" TYPE varchar(83)')
        connection.execute_wrappers.remove(forget_stale_plans)
        try:
            for _ in range(2):
                with pytest.raises(NotSupportedError):
                    _names("stale-plan")
        finally:
            connection.execute_wrappers.append(forget_stale_plans)
    finally:
        _other_session('ALTER TABLE "jobs_category" ALTER COLUMN "name" TYPE varchar(80)')
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")  # no stale plan left for the tests that follow
