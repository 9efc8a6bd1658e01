"""`make loadtest` / `make stress`: start the production-like stack on this machine, seed the
scale data if missing, run Locust headless, stop everything, write the report.

    python loadtest/run.py loadtest --users 500 --duration 5m
    python loadtest/run.py stress --users 2000 --spawn-rate 8

The stack: gunicorn started by docker/entrypoint.sh (the container's own command line and
worker settings) with fairtrade.settings.loadtest (production settings plus the simulated
gateway and plain HTTP, for this run only), PostgreSQL (the running server; its database
LOADTEST_DATABASE, created if missing), a Redis of its own on LOADTEST_REDIS_PORT, a Celery
worker and beat. Only loopback addresses are used. Rate limits stay on; the per-IP API limits
are raised through their documented variables because every simulated user shares 127.0.0.1.
"""

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest import machine, report  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"
PORT = int(os.environ.get("LOADTEST_PORT", "8800"))
REDIS_PORT = int(os.environ.get("LOADTEST_REDIS_PORT", "6391"))
DATABASE = os.environ.get("LOADTEST_DATABASE", "ftw_loadtest")
PG = os.environ.get("LOADTEST_PG", "postgres://postgres@127.0.0.1:5432")
JOBS = int(os.environ.get("LOADTEST_JOBS", "100000"))


def _env():
    env = dict(os.environ)
    env.update({
        "PATH": f"{VENV_BIN}:{env.get('PATH', '')}",
        "APP_HOME": str(ROOT),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "fairtrade.settings.loadtest",
        "DATABASE_URL": f"{PG}/{DATABASE}",
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "SECRET_KEY": "loadtest-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOADTEST_SITE_URL": f"http://127.0.0.1:{PORT}",
        "PORT": str(PORT),
        "LOADTEST_CEILING": "1",
        "LOG_LEVEL": "WARNING",
        # Every simulated user comes from 127.0.0.1: per-IP limits would throttle the whole
        # crowd as one client. Per-token limits stay at their production values.
        "API_RATE_IP_READ": "1000000/min",
        "API_RATE_IP_WRITE": "1000000/min",
        "API_RATE_AUTH": "1000000/min",
        "LOGIN_RATE_IP": "1000000/m/ip",
        # The access log also gives each request's server time (ms), its thread's CPU time
        # (Server-Timing, added by the load-test settings) and whether the anonymous page cache
        # answered it, for the per-endpoint server times in the report, and the worker's pid
        # (a worker replaced after --max-requests starts with new connections).
        "GUNICORN_CMD_ARGS": '--access-logformat "%(h)s %(t)s \\"%(r)s\\" %(s)s %(B)s %(M)sms'
                             ' cache=%({x-page-cache}o)s timing=%({server-timing}o)s pid=%(p)s"',
    })
    env.pop("DEBUG", None)
    return env


def _run(cmd, env, **kwargs):
    print("$", " ".join(map(str, cmd)), flush=True)
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)


def _wait_http(url, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def _database(env):
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode != 0:
        clusters = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
        if not clusters:
            raise SystemExit("PostgreSQL is not running and no cluster was found; start it (see .ci/run).")
        _run(["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1].name, "main", "start"], env)
    exists = subprocess.run(["psql", f"{PG}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{DATABASE}'"],
                            capture_output=True, text=True).stdout.strip()
    if exists != "1":
        _run(["psql", f"{PG}/postgres", "-qc", f'CREATE DATABASE "{DATABASE}"'], env)


def _static_stale():
    """collectstatic (hashing and compressing every file) takes minutes on a busy machine;
    skip it when the manifest is newer than every source file."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(path.stat().st_mtime > built for path in (ROOT / "static").rglob("*") if path.is_file())


def _drain(seconds=120):
    """Requests whose clients gave up are still served: wait until the server answers a
    probe quickly again, so the next phase measures the stack and not the backlog."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/__ceiling__/", timeout=10).read()
        except OSError:
            continue
        if time.monotonic() - started < 0.5:
            return
        time.sleep(2)


class Stack:
    def __init__(self, env, log_dir):
        self.env, self.log_dir, self.procs = env, log_dir, []

    def start(self, name, cmd):
        log = open(self.log_dir / f"{name}.log", "w")  # noqa: SIM115 (the child process owns it)
        proc = subprocess.Popen(cmd, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append((name, proc))
        return proc

    def stop(self):
        for _name, proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for name, proc in reversed(self.procs):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop; killing", flush=True)
                os.killpg(proc.pid, signal.SIGKILL)


CAPACITY_USERS, CAPACITY_SECONDS = 32, 20
SCENARIOS = ["AnonymousVisitor", "ContractorFindingWork", "HomeownerPosting", "HomeownerHiring", "Completion",
             "PartnerIntegration"]


def _locust(prefix, users, spawn_rate, run_time, classes, html=None, sessions=None, timings=None):
    cmd = [
        str(VENV_BIN / "locust"), "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
        "--host", f"http://127.0.0.1:{PORT}", "-u", str(users), "-r", str(spawn_rate), "--run-time", run_time,
        "--csv", str(prefix), "--csv-full-history", "--ceiling-share", "0.3", "--stop-timeout", "10",
        "--only-summary", "--loglevel", "WARNING", *classes,
    ]
    if html:
        cmd[cmd.index("--csv"):cmd.index("--csv")] = ["--html", str(html)]
    print("$ locust", " ".join(cmd[3:]), flush=True)
    env = _env()
    if sessions:
        env["LOADTEST_SESSIONS"] = str(sessions)
    if timings:
        env["LOADTEST_TIMINGS"] = str(timings)
    return subprocess.run(cmd, env=env, cwd=ROOT)


def _locust_rps(prefix, classes):
    _locust(prefix, CAPACITY_USERS, CAPACITY_USERS, f"{CAPACITY_SECONDS}s", classes)
    for row in report._rows(Path(f"{prefix}_stats.csv")):
        if row["Name"] == "Aggregated":
            return float(row["Requests/s"] or 0)
    return 0.0


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["loadtest", "stress"])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--duration", default="5m")
    parser.add_argument("--spawn-rate", type=float, default=None)
    parser.add_argument("--note", default="", help="Conditions of the run, written into the report.")
    args = parser.parse_args(argv)

    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out = ROOT / "loadtest" / "reports" / f"{stamp}-{args.mode}"
    out.mkdir(parents=True)
    env = _env()
    stack = Stack(env, out)
    try:
        redis = shutil.which("redis-server") or "/usr/bin/redis-server"
        stack.start("redis", [redis, "--bind", "127.0.0.1", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"])
        _database(env)
        python = str(VENV_BIN / "python")
        _run([python, "manage.py", "migrate", "--noinput", "-v0"], env)
        seeded = time.monotonic()
        _run([python, "manage.py", "seed_scale", "--jobs", str(JOBS)], env)
        seed_seconds = time.monotonic() - seeded
        # Fresh statistics for the planner: a migration that adds a column (e.g. hidden_at) leaves
        # it without any until autovacuum gets to it, and the board's plans depend on it.
        _run(["psql", f"{PG}/{DATABASE}", "-qc", "ANALYZE"], env)
        # Returning people arrive signed in; the locustfile signs LOGIN_SHARE of them in by form.
        sessions = out / "sessions.json"
        _run([python, "manage.py", "loadtest_sessions", "--out", str(sessions)], env)
        if _static_stale():
            _run([python, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        entrypoint = str(ROOT / "docker" / "entrypoint.sh")
        stack.start("gunicorn", ["sh", entrypoint, "web"])
        stack.start("worker", ["sh", entrypoint, "worker"])
        stack.start("beat", ["sh", entrypoint, "beat"])
        _wait_http(f"http://127.0.0.1:{PORT}/readyz")
        for path in ("/", "/jobs/", "/__ceiling__/"):  # warm every worker's imports and caches
            for _ in range(12):
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=30).read()
        if args.mode == "stress":
            spawn_rate = args.spawn_rate or 8
            run_time = f"{int(args.users / spawn_rate) + 30}s"
        else:
            spawn_rate = args.spawn_rate or max(args.users / 30, 1)
            run_time = args.duration
        speed = machine.machine_speed()
        load_before = os.getloadavg()
        started = datetime.now(UTC)
        cpu_before, children_before = machine.snapshot(), resource.getrusage(resource.RUSAGE_CHILDREN)
        load = _locust(out / "locust", args.users, spawn_rate, run_time, SCENARIOS, html=out / "locust.html",
                       sessions=sessions, timings=out / "requests.csv")
        cpu_after, children_after = machine.snapshot(), resource.getrusage(resource.RUSAGE_CHILDREN)
        load_after = os.getloadavg()
        ended = datetime.now(UTC)
        capacity = None
        _drain()
        if args.mode == "loadtest":
            # Throughput at saturation (no think time), board then ceiling, same users and stack.
            capacity = {
                "users": CAPACITY_USERS, "seconds": CAPACITY_SECONDS,
                "board_rps": _locust_rps(out / "capacity-board", ["BoardCapacity"]),
                "ceiling_rps": _locust_rps(out / "capacity-ceiling", ["CeilingCapacity"]),
            }
        conditions = {
            "mode": args.mode, "users": args.users, "spawn_rate": spawn_rate, "run_time": run_time,
            "started": started.isoformat(timespec="seconds"), "ended": ended.isoformat(timespec="seconds"),
            "locust_exit": load.returncode,
            "seed_seconds": round(seed_seconds), "jobs": JOBS, "note": args.note, "cpus": os.cpu_count(),
            "machine_load_average_1_5_15_min_before": load_before, "after": load_after,
            "python_loop_cpu_seconds_before": speed,
            "capacity": capacity,
            # Locust is the only child run.py reaps while it runs, so the growth of its
            # children's CPU is Locust's.
            "cpu_during_run": machine.cpu_by_group(cpu_before, cpu_after, locust_seconds=(
                children_after.ru_utime + children_after.ru_stime - children_before.ru_utime - children_before.ru_stime)),
        }
    finally:
        stack.stop()
        if (out / "sessions.json").exists():
            (out / "sessions.json").unlink()  # live keys to accounts: never left in a report
    report.write(out, conditions, capacity)
    print(f"report: {out / 'summary.md'}")


if __name__ == "__main__":
    main()
