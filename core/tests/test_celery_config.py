from fairtrade.celery import app


def test_celery_is_at_least_once_and_json_only():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]


def test_beat_schedule_is_collected_from_apps():
    from fairtrade.discovery import beat_schedule

    schedule = beat_schedule()
    assert isinstance(schedule, dict)
    for name, entry in schedule.items():
        assert "task" in entry and "schedule" in entry, name
