"""Properties of deploy/terraform's data, storage, security and operations layers,
asserted on the HCL as python-hcl2 parses it (network, compute and edge: test_terraform.py)."""

import re

import pytest

from conftest import block, blocks, tf_files

# --- Data ----------------------------------------------------------------------------


def test_rds_postgres_multi_az_encrypted_and_protected(tf):
    db = tf.one("aws_db_instance", "main")
    assert db["engine"] == "postgres"
    assert str(tf.resolve(db["engine_version"])).startswith("15")
    assert db["multi_az"] is True
    assert db["storage_encrypted"] is True and db["kms_key_id"]
    assert db["publicly_accessible"] is False
    assert (tf.resolve(db["allocated_storage"]), tf.resolve(db["max_allocated_storage"])) == (100, 500)
    assert tf.resolve(db["backup_retention_period"]) == 30
    assert db["performance_insights_enabled"] is True
    assert db["monitoring_interval"] == 60 and db["monitoring_role_arn"]
    assert db["deletion_protection"] is True
    assert db["skip_final_snapshot"] is False
    assert db["db_subnet_group_name"] == "${aws_db_subnet_group.main.name}"
    assert tf.one("aws_db_subnet_group", "main")["subnet_ids"] == "${aws_subnet.isolated[*].id}"


def test_rds_parameter_group_tuning(tf):
    pg = tf.one("aws_db_parameter_group", "postgres")
    params = {p["name"]: p["value"] for p in blocks(pg, "parameter")}
    assert params["shared_buffers"] == "{DBInstanceClassMemory/32768}"  # 25% of RAM in 8 kB pages
    assert params["effective_cache_size"] == "{DBInstanceClassMemory/10923}"  # 75%
    for name in (
        "max_parallel_workers",
        "max_parallel_workers_per_gather",
        "autovacuum",
        "autovacuum_vacuum_scale_factor",
        "autovacuum_analyze_scale_factor",
        "statement_timeout",
        "log_min_duration_statement",
        "rds.force_ssl",
    ):
        assert name in params, f"parameter {name} missing"
    assert params["rds.force_ssl"] == "1"
    assert tf.one("aws_db_instance", "main")["parameter_group_name"] == "${aws_db_parameter_group.postgres.name}"


def test_redis_replication_group(tf):
    rg = tf.one("aws_elasticache_replication_group", "main")
    assert rg["engine"] == "redis"
    assert str(tf.resolve(rg["engine_version"])).startswith("7")
    assert tf.resolve(rg["num_cache_clusters"]) == 3
    assert rg["multi_az_enabled"] is True
    assert rg["automatic_failover_enabled"] is True
    assert rg["transit_encryption_enabled"] is True
    assert rg["at_rest_encryption_enabled"] is True
    assert rg["auth_token"] == "${random_password.redis_auth.result}"
    assert tf.resolve(rg["snapshot_retention_limit"]) >= 1 and rg["snapshot_window"]
    assert tf.one("aws_elasticache_subnet_group", "main")["subnet_ids"] == "${aws_subnet.isolated[*].id}"
    params = {p["name"]: p["value"] for p in blocks(tf.one("aws_elasticache_parameter_group", "redis7"), "parameter")}
    assert params["maxmemory-policy"] == "noeviction", "the Celery broker must not lose messages"


# --- Storage -------------------------------------------------------------------------


@pytest.mark.parametrize("bucket", ["uploads", "logs"])
def test_s3_public_access_blocked(tf, bucket):
    pab = tf.one("aws_s3_bucket_public_access_block", bucket)
    for flag in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"):
        assert pab[flag] is True
    assert pab["bucket"] == f"${{aws_s3_bucket.{bucket}.id}}"


def test_uploads_bucket_versioned_encrypted_tls_only_archived(tf):
    versioning = block(tf.one("aws_s3_bucket_versioning", "uploads"), "versioning_configuration")
    assert versioning["status"] == "Enabled"
    sse = block(block(tf.one("aws_s3_bucket_server_side_encryption_configuration", "uploads"), "rule"),
                "apply_server_side_encryption_by_default")  # fmt: skip
    assert sse["sse_algorithm"] == "aws:kms"
    rule = block(tf.one("aws_s3_bucket_lifecycle_configuration", "uploads"), "rule")
    transition = block(rule, "transition")
    assert tf.resolve(transition["days"]) == 90
    assert transition["storage_class"].startswith("GLACIER")
    policy = tf.data["aws_iam_policy_document"]["uploads"]
    deny_tls = [s for s in blocks(policy, "statement") if s.get("sid") == "DenyInsecureTransport"]
    assert deny_tls and deny_tls[0]["effect"] == "Deny"
    cond = block(deny_tls[0], "condition")
    assert (cond["variable"], cond["values"]) == ("aws:SecureTransport", ["false"])


def test_uploads_bucket_access_only_from_the_task_role(tf):
    statements = blocks(tf.data["aws_iam_policy_document"]["task"], "statement")
    s3_statements = [s for s in statements if any(a.startswith("s3:") for a in s["actions"])]
    for s in s3_statements:
        assert all("aws_s3_bucket.uploads.arn" in r for r in s["resources"])
    for name, doc in tf.data["aws_iam_policy_document"].items():
        if name in ("task", "uploads", "logs"):
            continue
        for s in blocks(doc, "statement"):
            assert not any(a.startswith("s3:") for a in s.get("actions", [])), f"{name} grants S3"


def test_uploads_are_never_public_or_behind_a_cdn(tf):
    """Private bucket + presigned URLs: nothing but the task role's own grant reads it."""
    policy = blocks(tf.data["aws_iam_policy_document"]["uploads"], "statement")
    assert all(s["effect"] == "Deny" for s in policy), "the uploads bucket policy grants nothing"
    for s in policy:
        for cond in blocks(s, "condition"):
            # A VPC/IP condition would block the browsers fetching presigned URLs.
            assert not cond["variable"].lower().startswith(("aws:sourcevpc", "aws:sourceip")), s["sid"]
        for principal in blocks(s, "principals"):
            assert "cloudfront.amazonaws.com" not in principal["identifiers"]
    age = next(s for s in policy if s["sid"] == "DenyLongLivedPresignedUrls")
    conds = {c["variable"]: (c["test"], c["values"]) for c in blocks(age, "condition")}
    assert conds["s3:authType"] == ("StringEquals", ["REST-QUERY-STRING"])
    assert conds["s3:signatureAge"][0] == "NumericGreaterThan"
    assert tf.locals["media_url_max_age_seconds"] == 600  # the settings' querystring_expire
    assert not tf.of_type("aws_s3_bucket_cors_configuration"), "uploads go through Django, no browser CORS"
    assert not tf.of_type("aws_s3_bucket_website_configuration")
    objects = next(s for s in blocks(tf.data["aws_iam_policy_document"]["task"], "statement")
                   if s.get("sid") == "UploadsObjects")  # fmt: skip
    assert {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"} <= set(objects["actions"])
    assert objects["resources"] == ["${aws_s3_bucket.uploads.arn}/*"]
    assert "condition" not in objects, "presigned GETs from browsers must satisfy the task role's grant"


def test_aws_backup_daily_0200_utc_30_days_cross_region(tf):
    plan = tf.one("aws_backup_plan", "main")
    rule = block(plan, "rule")
    assert rule["schedule"] == "cron(0 2 * * ? *)"
    assert tf.resolve(block(rule, "lifecycle")["delete_after"]) == 30
    copy = block(rule, "copy_action")
    assert copy["destination_vault_arn"] == "${aws_backup_vault.replica.arn}"
    assert tf.one("aws_backup_vault", "replica")["provider"] == "${aws.backup_replica}"
    resources = tf.one("aws_backup_selection", "main")["resources"]
    assert "${aws_db_instance.main.arn}" in resources and "${aws_s3_bucket.uploads.arn}" in resources


# --- Security --------------------------------------------------------------------------


def test_kms_keys_rotate(tf):
    keys = tf.of_type("aws_kms_key")
    assert len(keys) >= 2
    for name, key in keys.items():
        assert key["enable_key_rotation"] is True, name
        assert key["policy"], name


def test_secrets_in_secrets_manager_with_kms(tf):
    secret = tf.one("aws_secretsmanager_secret", "app")
    assert secret["for_each"] == "${toset(local.secret_names)}"
    assert secret["kms_key_id"] == "${aws_kms_key.main.arn}"


def test_execution_role_reads_only_this_environments_secrets(tf):
    statements = {s["sid"]: s for s in blocks(tf.data["aws_iam_policy_document"]["execution"], "statement")}
    assert statements["InjectSecrets"]["actions"] == ["secretsmanager:GetSecretValue"]
    assert statements["InjectSecrets"]["resources"] == "${[for s in aws_secretsmanager_secret.app : s.arn]}"


def test_iam_wildcards_only_for_unscopable_actions(tf):
    allowed = {
        "ecr:GetAuthorizationToken",
        "cloudwatch:PutMetricData",
        "ecs:RegisterTaskDefinition",
        "ecs:DescribeTaskDefinition",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    }
    for name, doc in tf.data["aws_iam_policy_document"].items():
        if name.startswith("kms_"):
            continue  # key policies: "*" means the key itself
        for s in blocks(doc, "statement"):
            if s.get("effect", "Allow") == "Deny":
                continue
            if s.get("resources") == ["*"]:
                assert set(s["actions"]) <= allowed, f"{name}: {s['actions']} on *"
            assert not any(a.endswith(":*") or a == "*" for a in s.get("actions", [])), f"{name} wildcard action"


def test_github_oidc_trust_is_scoped_to_repo_and_environment(tf):
    doc = tf.data["aws_iam_policy_document"]["github_assume"]
    statement = block(doc, "statement")
    assert statement["actions"] == ["sts:AssumeRoleWithWebIdentity"]
    conditions = {c["variable"]: c for c in blocks(statement, "condition")}
    sub = conditions["token.actions.githubusercontent.com:sub"]
    assert sub["test"] == "StringEquals"
    assert sub["values"] == ["repo:${var.github_repository}:environment:${var.environment}"]
    assert conditions["token.actions.githubusercontent.com:aud"]["values"] == ["sts.amazonaws.com"]
    assert "aws_iam_access_key" not in tf.resources and "aws_iam_user" not in tf.resources


# --- Operations --------------------------------------------------------------------------


def test_dashboard_shows_the_required_metrics(tf):
    body = tf.text["monitoring.tf"]
    for metric in (
        "TargetResponseTime",
        '"p50"',
        '"p99"',
        "HTTPCode_Target_5XX_Count",
        "RequestCount",
        '"CPUUtilization", "ClusterName"',
        "MemoryUtilization",
        '"AWS/RDS", "CPUUtilization"',
        "DatabaseConnections",
        "ReplicaLag",
        "DatabaseMemoryUsagePercentage",
        '"QueueDepth"',
    ):
        assert metric in body, f"dashboard lacks {metric}"
    tf.one("aws_cloudwatch_dashboard", "main")


def test_alarms_go_to_sns(tf):
    alarms = tf.of_type("aws_cloudwatch_metric_alarm")
    p99 = alarms["alb_p99_latency"]
    assert (p99["extended_statistic"], p99["threshold"]) == ("p99", 0.5)
    assert alarms["alb_5xx_rate"]["threshold"] == 0.5
    assert alarms["unhealthy_hosts"]["metric_name"] == "UnHealthyHostCount"
    assert alarms["rds_free_storage"]["metric_name"] == "FreeStorageSpace"
    assert alarms["rds_cpu"]["metric_name"] == "CPUUtilization"
    assert alarms["celery_backlog"]["metric_name"] == "QueueDepth"
    for name, alarm in alarms.items():
        if name.startswith("worker_queue"):
            continue  # scaling alarms drive autoscaling policies
        assert alarm["alarm_actions"] == "${local.alarm_topic}", name
    assert tf.one("aws_sns_topic", "alarms")["kms_master_key_id"]


def test_outputs_the_application_needs(tf):
    for name in (
        "site_url",
        "static_cdn_domain",
        "ecr_repository_url",
        "ecs_cluster_name",
        "rds_endpoint",
        "redis_primary_endpoint",
        "uploads_bucket",
        "secret_arns",
        "github_deploy_role_arn",
        "deploy_config_parameter",
    ):
        assert name in tf.outputs, f"output {name} missing"
        assert tf.outputs[name].get("description")


# --- checkov skips are documented ----------------------------------------------------------


def test_every_checkov_skip_has_a_reason():
    for path in tf_files():
        for line in path.read_text().splitlines():
            if "checkov:skip=" in line:
                m = re.search(r"checkov:skip=(CKV2?_[A-Z]+_\d+):(.{20,})", line)
                assert m, f"{path.name}: skip without a reason: {line.strip()}"
