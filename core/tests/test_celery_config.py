import pytest

from fairtrade.celery import app


def test_celery_is_at_least_once_and_json_only():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]


def test_beat_schedule_lists_every_app_task():
    from fairtrade.schedule import BEAT_SCHEDULE

    schedule = BEAT_SCHEDULE
    assert isinstance(schedule, dict)
    for name, entry in schedule.items():
        assert "task" in entry and "schedule" in entry, name


def test_every_scheduled_task_is_registered():
    """A typo or a moved task in a schedule would otherwise fail only in production's beat."""
    from fairtrade.schedule import BEAT_SCHEDULE

    app.loader.import_default_modules()
    missing = [entry["task"] for entry in BEAT_SCHEDULE.values() if entry["task"] not in app.tasks]
    assert missing == []


class _Task:
    """What Celery's signals and its fixup read of a task (signal senders must be hashable)."""

    def __init__(self, eager=False):
        from types import SimpleNamespace

        self.request = SimpleNamespace(is_eager=eager)


def _backend_pids_of_tasks(fixup, count):
    """Run `count` tasks through Celery's real Django worker fixup and our signal handlers, as
    a prefork worker does, and return the PostgreSQL backend each task's query ran on."""
    from celery import signals
    from django.db import connection

    pids = []
    for number in range(count):
        task = _Task()
        fixup.on_task_prerun(sender=task)
        signals.task_prerun.send(sender=task, task_id=str(number), task=task, args=(), kwargs={})
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids.append(cursor.fetchone()[0])
        signals.task_postrun.send(sender=task, task_id=str(number), task=task, args=(), kwargs={}, retval=None,
                                  state="SUCCESS")
        fixup.on_task_postrun(sender=task)
    return pids


def _prefork_fixup(**overrides):
    from types import SimpleNamespace

    from celery.fixups.django import DjangoWorkerFixup

    fixup = DjangoWorkerFixup(app)
    fixup.worker = SimpleNamespace(pool_cls="celery.concurrency.prefork:TaskPool")
    for name, value in overrides.items():
        setattr(fixup, name, value)
    return fixup


@pytest.mark.django_db(transaction=True)
def test_a_worker_reuses_its_database_connections_across_tasks():
    """Without CELERY_DB_REUSE_MAX, Celery closed the pool around every task: each task paid
    a new PostgreSQL backend (fork, authentication, cold catalog caches)."""
    from django.db import connection

    if connection.vendor != "postgresql" or not connection.settings_dict["OPTIONS"].get("pool"):
        pytest.skip("the connection pool is PostgreSQL's")
    fixup = _prefork_fixup()
    _backend_pids_of_tasks(fixup, 2)
    pool = connection.pool
    opened = pool.get_stats().get("connections_num", 0)
    _backend_pids_of_tasks(fixup, 10)
    assert connection.pool is pool and pool.get_stats().get("connections_num", 0) == opened
    # The same tasks with Celery's default: a new backend each time (what the setting fixes).
    assert len(set(_backend_pids_of_tasks(_prefork_fixup(db_reuse_max=None), 3))) == 3


@pytest.mark.django_db
def test_an_eager_task_leaves_the_callers_transaction_alone():
    """make run and the tests run tasks inline, inside a request's transaction: handing the
    connection back there would break the caller's atomic block."""
    from celery import signals
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    with transaction.atomic():
        get_user_model().objects.create_user(email="eager@example.com", password="x" * 12)
        task = _Task(eager=True)
        signals.task_prerun.send(sender=task, task_id="1", task=task, args=(), kwargs={})
        signals.task_postrun.send(sender=task, task_id="1", task=task, args=(), kwargs={}, retval=None, state="SUCCESS")
        assert connection.in_atomic_block and not connection.needs_rollback
        assert get_user_model().objects.filter(email="eager@example.com").exists()
