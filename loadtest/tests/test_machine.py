"""The run's CPU accounting: which process group used how many cores between two snapshots."""

from pathlib import Path

import pytest

from loadtest import machine


def _stat(pid, comm, utime, stime, cutime=0, cstime=0):
    # Fields after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
    # utime stime cutime cstime ...
    return f"{pid} ({comm}) S 1 1 1 0 -1 0 0 0 0 0 {utime} {stime} {cutime} {cstime} 20 0 1 0\n"


def _proc(root: Path, machine_busy_ticks: int, processes: dict):
    root.mkdir(parents=True, exist_ok=True)
    for entry in root.iterdir():
        if entry.name.isdigit():
            for file in entry.iterdir():
                file.unlink()
            entry.rmdir()
    # user nice system idle iowait irq softirq steal guest guest_nice
    (root / "stat").write_text(f"cpu  {machine_busy_ticks} 0 0 5000 40 0 0 0 0 0\ncpu0 1 2 3 4\n")
    for pid, (cmdline, ticks) in processes.items():
        (root / str(pid)).mkdir()
        (root / str(pid) / "cmdline").write_bytes(cmdline.replace(" ", "\0").encode() + b"\0")
        (root / str(pid) / "stat").write_text(_stat(pid, cmdline.split()[0][-15:], *ticks))


def test_groups_by_command_line():
    assert machine.group_of("/work/.venv/bin/python /work/.venv/bin/gunicorn fairtrade.wsgi:application") == \
        "gunicorn (the site)"
    assert machine.group_of("celery -A fairtrade worker --loglevel=INFO") == "celery worker"
    assert machine.group_of("celery -A fairtrade beat") == "celery beat"
    assert machine.group_of("postgres: 15/main: postgres ftw_loadtest 127.0.0.1(6032) idle") == "postgresql"
    assert machine.group_of("/usr/bin/redis-server 127.0.0.1:6391") == "redis"
    assert machine.group_of("/usr/bin/python3 something-else") is None


def test_cores_per_group_between_two_snapshots(tmp_path, monkeypatch):
    proc = tmp_path / "proc"
    ticks = machine.TICKS
    _proc(proc, 10 * ticks, {
        10: ("gunicorn master", (1 * ticks, 0)),
        11: ("gunicorn worker", (3 * ticks, 1 * ticks)),
        20: ("postgres: main", (2 * ticks, 0)),
        30: ("bash", (9 * ticks, 0)),
    })
    before = machine.snapshot(proc)
    assert before["processes"][11] == ("gunicorn (the site)", 4.0) and 30 not in before["processes"]
    # 10 s later: worker 11 was replaced (reaped by the master: its 6 s now in the master's
    # cutime), a new worker 12 used 2 s, PostgreSQL 1 s more, the machine 16 s busy in all.
    _proc(proc, 26 * ticks, {
        10: ("gunicorn master", (1 * ticks, 0, 6 * ticks, 0)),
        12: ("gunicorn worker", (2 * ticks, 0)),
        20: ("postgres: main", (3 * ticks, 0)),
    })
    after = machine.snapshot(proc)
    after["at"] = before["at"] + 10
    usage = machine.cpu_by_group(before, after, locust_seconds=3.0)
    cores = usage["cores"]
    assert cores["gunicorn (the site)"] == pytest.approx(0.8)  # 6 s reaped + 2 s new worker, over 10 s
    assert cores["postgresql"] == pytest.approx(0.1)
    assert cores[machine.LOCUST] == pytest.approx(0.3)
    assert cores[machine.REST] == pytest.approx(0.4)  # 16 busy - 8 - 1 - 3
    assert usage["machine_busy_cores"] == pytest.approx(1.6)
    assert list(cores)[0] == "gunicorn (the site)"  # largest first


def test_no_accounting_without_proc(tmp_path):
    empty = machine.snapshot(tmp_path / "nothing")
    assert machine.cpu_by_group(empty, empty) is None


def test_the_real_machine_can_be_measured():
    if not Path("/proc/stat").exists():
        pytest.skip("no /proc on this system")
    before = machine.snapshot()
    sum(range(3_000_000))
    after = machine.snapshot()
    usage = machine.cpu_by_group(before, after)
    assert usage is not None and usage["machine_busy_cores"] > 0


def test_the_report_shows_the_cpu_table(tmp_path):
    from loadtest.report import _cpu_table

    lines = _cpu_table({"wall_seconds": 300.0, "cpus": 2, "machine_busy_cores": 1.9,
                        "cores": {"gunicorn (the site)": 1.3, "postgresql": 0.3, machine.REST: 0.3}})
    text = "\n".join(lines)
    assert "the whole machine 1.90 (95%)" in text
    assert "| gunicorn (the site) | 1.30 | 65% |" in text
    assert _cpu_table(None) == []
