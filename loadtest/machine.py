"""What the machine was doing during a run: its speed, and where its CPU went.

Locust, gunicorn, PostgreSQL, Redis and Celery share the same two cores, so a report that
only gives the site's latency cannot tell "the site is slow" from "the site got a third of
the machine". Linux only (/proc); elsewhere the accounting is empty and the report says so.
"""

import os
import time
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

# Checked in order against each process's command line; the first match names its group.
GROUPS = (
    ("gunicorn (the site)", ("gunicorn",)),
    ("celery worker", ("celery", "worker")),
    ("celery beat", ("celery", "beat")),
    ("postgresql", ("postgres",)),
    ("redis", ("redis-server",)),
)
LOCUST = "locust (the simulated users)"
REST = "the rest (kernel, other processes)"


def machine_speed(iterations=5_000_000) -> float:
    """Seconds of CPU for a fixed pure-Python loop: the same code took 1.1 s on one day and
    2.2 s on another on "the same" 2-core machine, so each report says how fast its machine was."""
    started = time.process_time()
    total = 0
    for number in range(iterations):
        total += number
    return round(time.process_time() - started, 3)


def group_of(cmdline: str) -> str | None:
    for name, words in GROUPS:
        if all(word in cmdline for word in words):
            return name
    return None


def _process_seconds(stat: str) -> float:
    """utime + stime + cutime + cstime of one /proc/<pid>/stat line: a process's own CPU and
    that of the children it has reaped (gunicorn's workers replaced after --max-requests,
    PostgreSQL's ended backends), which are no longer in /proc by the end of the run."""
    fields = stat.rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / TICKS


def _machine_busy_seconds(text: str) -> float:
    """Busy CPU seconds of all cores since boot, from /proc/stat's first line (idle and
    iowait are not busy)."""
    values = [int(value) for value in text.split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    # guest time is already counted in user time.
    return (sum(values[:8]) - idle) / TICKS


def snapshot(proc: Path = PROC) -> dict:
    """CPU seconds so far per process (pid -> (group, seconds)) and for the whole machine."""
    processes = {}
    if not (proc / "stat").exists():
        return {"machine": None, "processes": processes, "at": time.monotonic()}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            seconds = _process_seconds((entry / "stat").read_text())
        except (OSError, IndexError, ValueError):
            continue  # ended while we looked
        group = group_of(cmdline)
        if group:
            processes[int(entry.name)] = (group, seconds)
    return {"machine": _machine_busy_seconds((proc / "stat").read_text()), "processes": processes,
            "at": time.monotonic()}


def cpu_by_group(before: dict, after: dict, locust_seconds: float | None = None) -> dict | None:
    """Cores used on average between two snapshots, per group, plus Locust (measured by the
    caller as its reaped child) and the rest of the machine's busy time."""
    if before.get("machine") is None or after.get("machine") is None:
        return None
    wall = after["at"] - before["at"]
    if wall <= 0:
        return None
    used = {}
    for pid, (group, seconds) in after["processes"].items():
        earlier = before["processes"].get(pid)
        spent = seconds - earlier[1] if earlier and earlier[0] == group else seconds
        used[group] = used.get(group, 0.0) + max(spent, 0.0)
    if locust_seconds is not None:
        used[LOCUST] = locust_seconds
    machine = after["machine"] - before["machine"]
    used[REST] = max(machine - sum(used.values()), 0.0)
    return {
        "wall_seconds": round(wall, 1),
        "cpus": os.cpu_count(),
        "machine_busy_cores": round(machine / wall, 2),
        "cores": {group: round(seconds / wall, 2) for group, seconds in sorted(used.items(), key=lambda item: -item[1])},
    }
