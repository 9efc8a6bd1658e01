"""Container health checks (Dockerfile HEALTHCHECK and ECS task definitions).

    python /app/docker/healthcheck.py web     GET /healthz on the local gunicorn
    python /app/docker/healthcheck.py worker  the local Celery node answers a ping
    python /app/docker/healthcheck.py beat    the beat process named in its pidfile is alive

Exit status 0 means healthy. Only the standard library is used for `web` and `beat`,
so the checks stay cheap and need no curl in the image.
"""

import http.client
import os
import socket
import subprocess  # fixed argv, no shell (check_worker)  # nosec B404
import sys


def check_web() -> int:
    port = int(os.environ.get("PORT", "8000"))
    # Send a Host that Django accepts (the first ALLOWED_HOSTS entry).
    host = (os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip() or "localhost").lstrip(".")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=4)
    try:
        conn.request("GET", "/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"})
        return 0 if conn.getresponse().status == 200 else 1
    except OSError:
        return 1
    finally:
        conn.close()


def check_worker() -> int:
    node = f"worker@{socket.gethostname()}"
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell  # nosec B603 B607
        ["celery", "-A", "fairtrade", "inspect", "ping", "--destination", node, "--timeout", "10"],  # noqa: S607
        capture_output=True,
        timeout=18,
        check=False,
    )
    return 0 if result.returncode == 0 else 1


def check_beat(pidfile: str = "/tmp/celerybeat.pid") -> int:  # noqa: S108 - the container's private /tmp  # nosec B108
    try:
        with open(pidfile) as f:
            pid = int(f.read().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return 1
    return 0


CHECKS = {"web": check_web, "worker": check_worker, "beat": check_beat}


def main(argv: list[str]) -> int:
    kind = argv[1] if len(argv) > 1 else "web"
    if kind not in CHECKS:
        print(f"unknown check {kind!r}; expected one of {sorted(CHECKS)}", file=sys.stderr)
        return 2
    return CHECKS[kind]()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
