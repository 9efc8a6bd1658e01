#!/bin/sh
# FairTradeWorker container entrypoint: one image, one process per container.
#
#   web            gunicorn fairtrade.wsgi:application on 0.0.0.0:${PORT:-8000}
#   worker         celery -A fairtrade worker
#   beat           celery -A fairtrade beat (run exactly one)
#   migrate        python manage.py migrate --noinput (one-off release step)
#   queue-metrics  publish Celery queue depth to CloudWatch (sidecar of beat)
#   manage ARGS    python manage.py ARGS (one-off admin commands)
#   anything else  exec'd as given (e.g. `sh`)
#
# Every command is exec'd so that it becomes the container's main process and gets
# SIGTERM directly from ECS/Docker: gunicorn finishes in-flight requests
# (--graceful-timeout), Celery does a warm shutdown (acks_late re-delivers the rest).
set -eu

APP_HOME="${APP_HOME:-/app}"
cd "$APP_HOME"

# CPUs available to this container: the cgroup quota when there is one (Fargate,
# docker --cpus), otherwise the visible processors.
cpu_count() {
    if [ -r /sys/fs/cgroup/cpu.max ]; then
        read -r quota period < /sys/fs/cgroup/cpu.max || true
        if [ "${quota:-max}" != "max" ] && [ "${period:-0}" -gt 0 ] 2>/dev/null; then
            echo $(( (quota + period - 1) / period ))
            return
        fi
    fi
    if [ -r /sys/fs/cgroup/cpu/cpu.cfs_quota_us ] && [ -r /sys/fs/cgroup/cpu/cpu.cfs_period_us ]; then
        quota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)
        period=$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)
        if [ "$quota" -gt 0 ] 2>/dev/null && [ "$period" -gt 0 ] 2>/dev/null; then
            echo $(( (quota + period - 1) / period ))
            return
        fi
    fi
    nproc 2>/dev/null || echo 1
}

# On ECS the load balancer health-checks each task by its private IP, which Django
# would reject as an unknown Host; add this task's own address to ALLOWED_HOSTS.
add_task_ip_to_allowed_hosts() {
    [ -n "${ECS_CONTAINER_METADATA_URI_V4:-}" ] || return 0
    task_ip=$(python - <<'PY' 2>/dev/null || true
import json, os, urllib.request
with urllib.request.urlopen(os.environ["ECS_CONTAINER_METADATA_URI_V4"], timeout=2) as r:
    print(json.load(r)["Networks"][0]["IPv4Addresses"][0])
PY
)
    if [ -n "$task_ip" ]; then
        ALLOWED_HOSTS="${ALLOWED_HOSTS:+$ALLOWED_HOSTS,}$task_ip"
        export ALLOWED_HOSTS
    fi
}

cmd="${1:-web}"
[ "$#" -gt 0 ] && shift

case "$cmd" in
    web)
        cpus=$(cpu_count)
        workers="${WEB_CONCURRENCY:-$(( cpus * 2 + 1 ))}"
        tmp_dir=/tmp
        [ -d /dev/shm ] && [ -w /dev/shm ] && tmp_dir=/dev/shm
        add_task_ip_to_allowed_hosts
        # A worker is replaced after --max-requests: the replacement opens new database
        # connections (cold PostgreSQL backends, no prepared statements yet) and closes its
        # keep-alive connections, which can drop a request sent on one at that moment. Under
        # the load test, 2,000 meant a replacement every ~25 s; a worker's memory grew 13 MB
        # in its first 1,000 requests and 2 MB over the next 7,000, so 20,000 is safe.
        exec gunicorn fairtrade.wsgi:application \
            --bind "0.0.0.0:${PORT:-8000}" \
            --workers "$workers" \
            --worker-class gthread \
            --preload \
            --threads "${GUNICORN_THREADS:-4}" \
            --timeout "${GUNICORN_TIMEOUT:-30}" \
            --graceful-timeout "${GUNICORN_GRACEFUL_TIMEOUT:-25}" \
            --keep-alive "${GUNICORN_KEEPALIVE:-75}" \
            --max-requests "${GUNICORN_MAX_REQUESTS:-20000}" \
            --max-requests-jitter "${GUNICORN_MAX_REQUESTS_JITTER:-2000}" \
            --worker-tmp-dir "$tmp_dir" \
            --forwarded-allow-ips "*" \
            --access-logfile - \
            --error-logfile - \
            --log-level "$(echo "${LOG_LEVEL:-info}" | tr '[:upper:]' '[:lower:]')" \
            --no-control-socket \
            "$@"
        ;;
    worker)
        cpus=$(cpu_count)
        exec celery -A fairtrade worker \
            --loglevel "${LOG_LEVEL:-INFO}" \
            --concurrency "${CELERY_CONCURRENCY:-$(( cpus * 2 ))}" \
            --prefetch-multiplier 1 \
            --without-gossip \
            --without-mingle \
            --hostname "worker@%h" \
            "$@"
        ;;
    beat)
        exec celery -A fairtrade beat \
            --loglevel "${LOG_LEVEL:-INFO}" \
            --schedule /tmp/celerybeat-schedule \
            --pidfile /tmp/celerybeat.pid \
            "$@"
        ;;
    migrate)
        # statement_timeout protects the app's sessions; migrations may legitimately
        # take longer, so lift it for this session only (libpq reads PGOPTIONS).
        PGOPTIONS="${PGOPTIONS:-} -c statement_timeout=0 -c lock_timeout=30000"
        export PGOPTIONS
        exec python manage.py migrate --noinput "$@"
        ;;
    queue-metrics)
        exec python "$APP_HOME/docker/queue_metrics.py" "$@"
        ;;
    manage)
        exec python manage.py "$@"
        ;;
    *)
        exec "$cmd" "$@"
        ;;
esac
