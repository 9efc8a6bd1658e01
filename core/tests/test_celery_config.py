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
