"""Recover from prepared statements that a migration made stale.

PostgreSQL keeps the plans of repeated queries (server-side binding and prepare_threshold,
fairtrade/settings/base.py). When another session changes the type of a column such a plan
returns (a migration changing max_length, during a rolling deploy while old processes still
serve), PostgreSQL refuses to run the stale statement: "cached plan must not change result
type", again at every use on that connection. psycopg forgets its statements on a rollback
or a DDL command in the same connection only.

This wrapper, installed on every connection Django opens, forgets them on that error:
outside a transaction it deallocates them and runs the query again (the refused statement
did nothing); inside one the transaction is already aborted, so the error goes up and the
rollback that follows makes psycopg forget them.
"""

from django.db.utils import NotSupportedError

STALE_PLAN = "cached plan must not change result type"


def forget_stale_plans(execute, sql, params, many, context):
    try:
        return execute(sql, params, many, context)
    except NotSupportedError as exc:
        connection = context["connection"]
        if STALE_PLAN not in str(exc) or connection.in_atomic_block:
            raise
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")  # psycopg also clears its own cache on this
        return execute(sql, params, many, context)


def install(sender, connection, **kwargs):
    """connection_created receiver (core/apps.py): Django reconnects, and so calls this,
    for every connection it takes from the pool. First in the list, so the outermost wrapper,
    and so that `connection.execute_wrapper()` blocks, which pop the last one, never pop it."""
    if connection.vendor == "postgresql" and forget_stale_plans not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, forget_stale_plans)
