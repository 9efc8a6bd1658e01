"""Publish the Celery backlog to CloudWatch once a minute (sidecar of the beat task).

The worker service scales on the metric QueueDepth (namespace METRICS_NAMESPACE,
dimension Environment=METRICS_ENVIRONMENT): the sum of the lengths of the Redis lists
named in CELERY_QUEUES. Per-queue values are published with an extra Queue dimension.

Environment: REDIS_URL, CELERY_QUEUES (comma-separated, default "celery"),
METRICS_NAMESPACE (default "FairTrade/Celery"), METRICS_ENVIRONMENT, AWS_REGION,
METRICS_INTERVAL (seconds, default 60). `--once` publishes a single sample and exits.
"""

import logging
import os
import signal
import sys
import time

log = logging.getLogger("queue_metrics")


def queue_depths(client, queues):
    """Length of each Celery queue; kombu's Redis transport keeps a queue in a list of
    the same name (priority sub-queues are named '<queue>\\x06\\x16<n>')."""
    depths = {}
    for queue in queues:
        total = client.llen(queue)
        for priority in range(1, 10):
            total += client.llen(f"{queue}\x06\x16{priority}")
        depths[queue] = total
    return depths


def metric_data(depths, environment):
    data = [
        {
            "MetricName": "QueueDepth",
            "Dimensions": [{"Name": "Environment", "Value": environment}],
            "Value": float(sum(depths.values())),
            "Unit": "Count",
        }
    ]
    for queue, depth in sorted(depths.items()):
        data.append(
            {
                "MetricName": "QueueDepth",
                "Dimensions": [
                    {"Name": "Environment", "Value": environment},
                    {"Name": "Queue", "Value": queue},
                ],
                "Value": float(depth),
                "Unit": "Count",
            }
        )
    return data


def main(argv):
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(message)s")
    import boto3
    import redis

    queues = [q.strip() for q in os.environ.get("CELERY_QUEUES", "celery").split(",") if q.strip()]
    namespace = os.environ.get("METRICS_NAMESPACE", "FairTrade/Celery")
    environment = os.environ.get("METRICS_ENVIRONMENT", "production")
    interval = int(os.environ.get("METRICS_INTERVAL", "60"))
    client = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=5)
    cloudwatch = boto3.client("cloudwatch")

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    while not stopping:
        try:
            depths = queue_depths(client, queues)
            cloudwatch.put_metric_data(Namespace=namespace, MetricData=metric_data(depths, environment))
            log.info("queue depth %s", depths)
        except Exception:  # keep publishing through transient Redis/CloudWatch errors
            log.exception("could not publish queue depth")
        if "--once" in argv:
            break
        for _ in range(interval):
            if stopping:
                break
            time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
