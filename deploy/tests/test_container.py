"""The Dockerfile (statically) and docker/entrypoint.sh (run with fake binaries)."""

import os
import re
import shutil
import stat
import subprocess

import pytest

from conftest import REPO

DOCKERFILE = (REPO / "Dockerfile").read_text()
ENTRYPOINT = REPO / "docker" / "entrypoint.sh"


def stages():
    """[(name, [lines])] per FROM."""
    result = []
    for line in DOCKERFILE.splitlines():
        m = re.match(r"FROM\s+(\S+)(?:\s+AS\s+(\S+))?", line, re.I)
        if m:
            result.append((m.group(2) or m.group(1), []))
        elif result:
            result[-1][1].append(line)
    return result


def test_multi_stage_with_pinned_base():
    names = [n for n, _ in stages()]
    assert names == ["builder", "runtime"]
    for base in re.findall(r"^FROM\s+(\S+)", DOCKERFILE, re.M):
        assert ":" in base and not base.endswith(":latest")


def test_final_stage_has_no_build_tools():
    _, lines = stages()[-1]
    text = "\n".join(lines)
    for tool in ("build-essential", "gcc", "g++", "make ", "libpq-dev", "-dev ", "apt-get install"):
        assert tool not in text, f"final stage installs {tool.strip()}"
    assert "COPY --from=builder /opt/venv /opt/venv" in text


def test_runs_as_non_root_with_healthcheck_and_entrypoint():
    _, lines = stages()[-1]
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert "HEALTHCHECK" in DOCKERFILE and "/healthz" in (REPO / "docker" / "healthcheck.py").read_text()
    assert 'ENTRYPOINT ["/app/docker/entrypoint.sh"]' in DOCKERFILE
    assert 'CMD ["web"]' in DOCKERFILE


def test_collectstatic_at_build_without_leaking_fake_secrets_into_env():
    _, lines = stages()[-1]
    text = "\n".join(lines)
    assert "collectstatic --noinput" in text
    env_instructions = re.findall(r"^ENV\b(?:[^\n]*\\\n)*[^\n]*", text, re.M)
    assert env_instructions and not any("SECRET_KEY" in e for e in env_instructions)
    assert any("DJANGO_SETTINGS_MODULE=fairtrade.settings.production" in e for e in env_instructions)


def test_queue_metrics_sums_celery_queues():
    import importlib.util

    spec = importlib.util.spec_from_file_location("queue_metrics", REPO / "docker" / "queue_metrics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    class FakeRedis:
        lists = {"celery": 7, "celery\x06\x163": 2, "emails": 1}

        def llen(self, key):
            return self.lists.get(key, 0)

    depths = module.queue_depths(FakeRedis(), ["celery", "emails"])
    assert depths == {"celery": 9, "emails": 1}
    data = module.metric_data(depths, "production")
    assert data[0]["MetricName"] == "QueueDepth" and data[0]["Value"] == 10.0
    assert data[0]["Dimensions"] == [{"Name": "Environment", "Value": "production"}]


def test_dockerignore_keeps_secrets_and_state_out():
    ignored = (REPO / ".dockerignore").read_text().split()
    for entry in (".git", ".env", ".venv", "var/", "media/"):
        assert entry in ignored


@pytest.mark.skipif(not shutil.which("hadolint"), reason="hadolint not installed")
def test_hadolint():
    result = subprocess.run(["hadolint", str(REPO / "Dockerfile")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not shutil.which("shellcheck"), reason="shellcheck not installed")
def test_shellcheck_entrypoint():
    result = subprocess.run(["shellcheck", str(ENTRYPOINT)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


# --- the entrypoint, with gunicorn / celery / python replaced by recorders ------------

FAKE = """#!/bin/sh
{{ printf '%s' "$(basename "$0")"; for a in "$@"; do printf ' %s' "$a"; done; printf '\\n'; }} >> "{log}"
env > "{log}.env.$(basename "$0")"
"""


@pytest.fixture
def run_entrypoint(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    for name in ("gunicorn", "celery", "python"):
        fake = bin_dir / name
        fake.write_text(FAKE.format(log=log))
        fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    app = tmp_path / "app"
    app.mkdir()

    def run(*args, **env):
        environment = {
            "PATH": f"{bin_dir}:/usr/bin:/bin",
            "APP_HOME": str(app),
            **{k: str(v) for k, v in env.items()},
        }
        result = subprocess.run(
            ["/bin/sh", str(ENTRYPOINT), *args], capture_output=True, text=True, env=environment, check=False
        )
        assert result.returncode == 0, result.stderr
        lines = log.read_text().splitlines() if log.exists() else []
        log.unlink(missing_ok=True)
        assert len(lines) == 1, lines  # exactly one process, exec'd
        return lines[0].split(" ")

    run.tmp_path = tmp_path
    return run


def _option(argv, flag):
    return argv[argv.index(flag) + 1]


def test_web_runs_gunicorn_on_port_with_concurrency(run_entrypoint):
    argv = run_entrypoint("web", WEB_CONCURRENCY=5, PORT=9000)
    assert argv[:2] == ["gunicorn", "fairtrade.wsgi:application"]
    assert _option(argv, "--bind") == "0.0.0.0:9000"
    assert _option(argv, "--workers") == "5"
    assert int(_option(argv, "--graceful-timeout")) < 30  # inside the ECS stop timeout
    assert int(_option(argv, "--keep-alive")) > 60  # longer than the ALB idle timeout


def test_web_defaults_port_8000_and_workers_from_cpu(run_entrypoint):
    argv = run_entrypoint("web")
    assert _option(argv, "--bind") == "0.0.0.0:8000"
    workers = int(_option(argv, "--workers"))
    assert workers >= 3 and workers % 2 == 1  # 2 x CPUs + 1


def test_no_argument_means_web(run_entrypoint):
    assert run_entrypoint()[0] == "gunicorn"


def test_worker_runs_celery_worker(run_entrypoint):
    argv = run_entrypoint("worker")
    assert argv[:4] == ["celery", "-A", "fairtrade", "worker"]
    assert _option(argv, "--prefetch-multiplier") == "1"


def test_beat_runs_celery_beat_with_pidfile_for_the_health_check(run_entrypoint):
    argv = run_entrypoint("beat")
    assert argv[:4] == ["celery", "-A", "fairtrade", "beat"]
    assert _option(argv, "--pidfile") == "/tmp/celerybeat.pid"
    assert "/tmp/celerybeat.pid" in (REPO / "docker" / "healthcheck.py").read_text()


def test_migrate_runs_manage_migrate_without_statement_timeout(run_entrypoint):
    argv = run_entrypoint("migrate")
    assert argv == ["python", "manage.py", "migrate", "--noinput"]
    env = (run_entrypoint.tmp_path / "calls.log.env.python").read_text()
    assert "statement_timeout=0" in env


def test_manage_and_extra_arguments_pass_through(run_entrypoint):
    assert run_entrypoint("manage", "check", "--deploy") == ["python", "manage.py", "check", "--deploy"]
    assert run_entrypoint("worker", "-Q", "emails")[-2:] == ["-Q", "emails"]


def test_queue_metrics_command(run_entrypoint):
    argv = run_entrypoint("queue-metrics")
    assert argv[0] == "python" and argv[1].endswith("/docker/queue_metrics.py")


def test_entrypoint_is_executable():
    assert os.access(ENTRYPOINT, os.X_OK)


# --- ALB health checks use the task's private IP as Host ----------------------------


@pytest.fixture
def metadata_server():
    """A stand-in for the ECS task metadata endpoint (v4), answering the container document."""
    import http.server
    import json
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = json.dumps({"Networks": [{"NetworkMode": "awsvpc", "IPv4Addresses": ["10.0.11.23"]}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v4/abc"
    server.shutdown()


def _web_env_with_real_python(tmp_path, **env):
    """Run `entrypoint.sh web` with a fake gunicorn and the real python; gunicorn's environment."""
    import sys

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    fake = bin_dir / "gunicorn"
    fake.write_text(FAKE.format(log=log))
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    (bin_dir / "python").symlink_to(sys.executable)
    app = tmp_path / "app"
    app.mkdir()
    environment = {"PATH": f"{bin_dir}:/usr/bin:/bin", "APP_HOME": str(app), **env}
    result = subprocess.run(
        ["/bin/sh", str(ENTRYPOINT), "web"], capture_output=True, text=True, env=environment, check=False, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert log.read_text().startswith("gunicorn ")
    lines = (tmp_path / "calls.log.env.gunicorn").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def test_web_adds_the_task_ip_to_allowed_hosts(tmp_path, metadata_server):
    env = _web_env_with_real_python(
        tmp_path, ALLOWED_HOSTS="www.example.com", ECS_CONTAINER_METADATA_URI_V4=metadata_server
    )
    assert env["ALLOWED_HOSTS"] == "www.example.com,10.0.11.23"


def test_web_starts_unchanged_when_the_metadata_endpoint_fails(tmp_path):
    env = _web_env_with_real_python(
        tmp_path, ALLOWED_HOSTS="www.example.com", ECS_CONTAINER_METADATA_URI_V4="http://127.0.0.1:9/v4/none"
    )
    assert env["ALLOWED_HOSTS"] == "www.example.com"


def test_web_outside_ecs_leaves_allowed_hosts_alone(tmp_path):
    env = _web_env_with_real_python(tmp_path, ALLOWED_HOSTS="www.example.com")
    assert env["ALLOWED_HOSTS"] == "www.example.com"
