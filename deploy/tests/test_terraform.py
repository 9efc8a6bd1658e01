"""Properties of deploy/terraform, asserted on the HCL as python-hcl2 parses it."""

import re

import pytest

from conftest import TERRAFORM, block, blocks, parse_tf, tf_files

TF_FILES = tf_files()


def test_there_is_terraform():
    assert len(TF_FILES) >= 10


@pytest.mark.parametrize("path", TF_FILES, ids=lambda p: p.name)
def test_every_tf_file_parses(path):
    assert isinstance(parse_tf(path), dict)


def test_tfvars_parse():
    files = sorted((TERRAFORM / "environments").glob("*.tfvars"))
    assert {f.stem for f in files} == {"staging", "production"}
    for f in files:
        values = parse_tf(f)
        assert values["environment"] == f.stem
        assert "github_repository" in values


# --- Project hygiene ------------------------------------------------------------


def test_providers_pinned_and_backend_configurable(tf):
    (settings,) = tf.terraform
    providers = settings["required_providers"][0] if isinstance(settings["required_providers"], list) else settings["required_providers"]
    for name, spec in providers.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", spec["version"]), f"provider {name} not pinned: {spec['version']}"
    assert "s3" in settings["backend"][0] if isinstance(settings["backend"], list) else settings["backend"]
    assert settings["required_version"]


def test_every_variable_is_documented_and_typed(tf):
    for name, body in tf.variables.items():
        assert body.get("description"), f"variable {name} has no description"
        assert body.get("type"), f"variable {name} has no type"


def test_no_secret_literals_in_terraform(tf):
    pattern = re.compile(r"(sk_live_|sk_test_|whsec_|SG\.[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}|-----BEGIN)")
    for name, text in tf.text.items():
        assert not pattern.search(text), f"credential-like literal in {name}"
    for body in tf.of_type("aws_secretsmanager_secret_version").values():
        assert "${" in body["secret_string"], "secret values must be generated, not written in code"


# --- Network ---------------------------------------------------------------------


def test_vpc_and_three_tiers_over_three_azs(tf):
    assert tf.default("vpc_cidr") == "10.0.0.0/16"
    assert len(tf.default("availability_zone_suffixes")) == 3
    subnets = tf.of_type("aws_subnet")
    assert set(subnets) == {"public", "private", "isolated"}
    for body in subnets.values():
        assert body["count"] == "${local.az_count}"
    assert subnets["public"]["map_public_ip_on_launch"] is False


def test_nat_gateway_per_az_and_isolated_subnets_have_no_internet_route(tf):
    assert tf.default("single_nat_gateway") is False
    assert "nat_gateway_count" in tf.locals
    routes = tf.of_type("aws_route")
    assert routes["private_nat"]["nat_gateway_id"].startswith("${aws_nat_gateway.main[")
    isolated_rt = tf.one("aws_route_table", "isolated")
    assert "route" not in isolated_rt
    assert all("isolated" not in r["route_table_id"] for r in routes.values())


def test_flow_logs_capture_all_traffic(tf):
    flow = tf.one("aws_flow_log", "main")
    assert flow["traffic_type"] == "ALL"
    assert flow["vpc_id"] == "${aws_vpc.main.id}"


def test_nacls_cover_every_tier(tf):
    nacls = tf.of_type("aws_network_acl")
    assert set(nacls) == {"public", "private", "isolated"}
    for tier, body in nacls.items():
        assert body["subnet_ids"] == f"${{aws_subnet.{tier}[*].id}}"
    for rule in blocks(nacls["isolated"], "ingress") + blocks(nacls["isolated"], "egress"):
        assert rule["cidr_block"] == "${var.vpc_cidr}", "isolated subnets talk to the VPC only"
    for body in nacls.values():
        for rule in blocks(body, "ingress"):
            if rule["cidr_block"] == "0.0.0.0/0" and rule["protocol"] == "tcp":
                assert not (rule["from_port"] <= 3389 <= rule["to_port"]), "RDP reachable"
                assert not (rule["from_port"] <= 22 <= rule["to_port"]), "SSH reachable"


# --- Security groups ---------------------------------------------------------------


def _rules(tf, kind):
    return tf.of_type(f"aws_vpc_security_group_{kind}_rule")


def test_nothing_is_open_to_the_internet_except_the_alb_on_80_and_443(tf):
    open_ingress = [
        (name, body["from_port"], body["to_port"])
        for name, body in _rules(tf, "ingress").items()
        if body.get("cidr_ipv4") == "0.0.0.0/0" or body.get("cidr_ipv6") == "::/0"
    ]
    assert sorted(open_ingress) == [("alb_http", 80, 80), ("alb_https", 443, 443)]
    for name, body in _rules(tf, "ingress").items():
        if body in ([], None):
            continue
        if (name, body["from_port"], body["to_port"]) in open_ingress:
            assert body["security_group_id"] == "${aws_security_group.alb.id}"
    # no inline rules anywhere (they would escape this test)
    for name, sg in tf.of_type("aws_security_group").items():
        assert "ingress" not in sg and "egress" not in sg, f"inline rules in {name}"


def test_security_group_chain(tf):
    ingress = _rules(tf, "ingress")
    assert ingress["web_from_alb"]["referenced_security_group_id"] == "${aws_security_group.alb.id}"
    assert ingress["web_from_alb"]["from_port"] == "${var.app_port}"
    assert tf.default("app_port") == 8000
    rds, redis = ingress["rds_from_app"], ingress["redis_from_app"]
    assert (rds["from_port"], rds["to_port"], rds["security_group_id"]) == (5432, 5432, "${aws_security_group.rds.id}")
    assert (redis["from_port"], redis["to_port"], redis["security_group_id"]) == (6379, 6379, "${aws_security_group.redis.id}")
    assert rds["referenced_security_group_id"] == redis["referenced_security_group_id"] == "${each.value}"
    assert set(ingress) == {"alb_https", "alb_http", "web_from_alb", "rds_from_app", "redis_from_app"}
    # the worker group accepts nothing
    assert not any(r["security_group_id"] == "${aws_security_group.worker.id}" for r in ingress.values())


def test_egress_is_narrow(tf):
    egress = _rules(tf, "egress")
    for name, body in egress.items():
        assert body["ip_protocol"] != "-1", f"{name} allows every protocol"
        if body.get("cidr_ipv4") == "0.0.0.0/0":
            assert (body["from_port"], body["to_port"]) == (443, 443), f"{name} opens more than HTTPS"
    # data stores have no egress rule at all
    assert not any("rds.id" in b["security_group_id"] or "redis.id" in b["security_group_id"] for b in egress.values())
    assert egress["alb_to_web"]["referenced_security_group_id"] == "${aws_security_group.web.id}"


def test_default_security_group_is_emptied(tf):
    sg = tf.one("aws_default_security_group", "default")
    assert "ingress" not in sg and "egress" not in sg


# --- Compute -----------------------------------------------------------------------


def test_ecs_cluster_and_services(tf):
    cluster = tf.one("aws_ecs_cluster", "main")
    assert block(cluster, "setting") == {"name": "containerInsights", "value": "enabled"}
    services = tf.of_type("aws_ecs_service")
    assert set(services) == {"web", "worker", "beat"}
    for name, svc in services.items():
        assert svc["launch_type"] == "FARGATE"
        assert svc["task_definition"] == f'${{aws_ecs_task_definition.app["{name}"].arn}}'
        net = block(svc, "network_configuration")
        assert net["assign_public_ip"] is False
        assert net["subnets"] == "${aws_subnet.private[*].id}"
        assert block(svc, "deployment_circuit_breaker") == {"enable": True, "rollback": True}
        assert "task_definition" in " ".join(block(svc, "lifecycle")["ignore_changes"])


def test_web_sizing_and_load_balancer(tf):
    assert (tf.default("web_cpu"), tf.default("web_memory")) == (1024, 2048)
    assert (tf.default("web_min_count"), tf.default("web_max_count")) == (3, 10)
    web = tf.one("aws_ecs_service", "web")
    lb = block(web, "load_balancer")
    assert lb["container_name"] == "web" and lb["container_port"] == "${var.app_port}"
    assert web["deployment_minimum_healthy_percent"] == 100


def test_beat_runs_exactly_once(tf):
    beat = tf.one("aws_ecs_service", "beat")
    assert beat["desired_count"] == 1
    assert beat["deployment_maximum_percent"] == 100, "two beats would run during a deploy"
    assert not any("beat" in t["resource_id"] for t in tf.of_type("aws_appautoscaling_target").values())


def test_web_autoscaling_on_cpu_and_requests(tf):
    target = tf.one("aws_appautoscaling_target", "web")
    assert (target["min_capacity"], target["max_capacity"]) == ("${var.web_min_count}", "${var.web_max_count}")
    policies = tf.of_type("aws_appautoscaling_policy")
    metrics = {
        block(block(p, "target_tracking_scaling_policy_configuration"), "predefined_metric_specification")[
            "predefined_metric_type"
        ]
        for name, p in policies.items()
        if name.startswith("web_")
    }
    assert metrics == {"ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"}


def test_worker_autoscaling_on_queue_depth(tf):
    tf.one("aws_appautoscaling_target", "worker")
    for name in ("worker_queue_high", "worker_queue_low"):
        alarm = tf.one("aws_cloudwatch_metric_alarm", name)
        assert alarm["metric_name"] == "QueueDepth"
        assert "aws_appautoscaling_policy.worker_" in alarm["alarm_actions"][0]


def test_task_definitions_come_from_the_ecs_templates(tf):
    ecs_tf = tf.text["ecs.tf"]
    assert 'templatefile(\n      "${path.module}/../ecs/${svc}.json"' in ecs_tf
    assert tf.locals["services"] == ["web", "worker", "beat", "migrate"]
    td = tf.one("aws_ecs_task_definition", "app")
    assert td["requires_compatibilities"] == ["FARGATE"]
    assert td["execution_role_arn"] != td["task_role_arn"]


def test_ecr_scanning_lifecycle_immutability(tf):
    repo = tf.one("aws_ecr_repository", "app")
    assert repo["image_tag_mutability"] == "IMMUTABLE"
    assert block(repo, "image_scanning_configuration")["scan_on_push"] is True
    assert block(repo, "encryption_configuration")["encryption_type"] == "KMS"
    tf.one("aws_ecr_lifecycle_policy", "app")


def test_log_groups_have_retention_and_encryption(tf):
    groups = tf.of_type("aws_cloudwatch_log_group")
    assert "app" in groups
    for name, g in groups.items():
        assert g["retention_in_days"] == "${var.log_retention_days}", name
        assert g.get("kms_key_id"), f"log group {name} not encrypted"
    assert tf.default("log_retention_days") >= 365


# --- Edge --------------------------------------------------------------------------


def test_alb_https_only_with_redirect_and_modern_tls(tf):
    listeners = tf.of_type("aws_lb_listener")
    https = listeners["https"]
    assert (https["port"], https["protocol"]) == (443, "HTTPS")
    assert https["ssl_policy"].startswith("ELBSecurityPolicy-TLS13-1-2")
    http = listeners["http_redirect"]
    action = block(http, "default_action")
    assert action["type"] == "redirect"
    redirect = block(action, "redirect")
    assert (redirect["protocol"], redirect["status_code"]) == ("HTTPS", "HTTP_301")
    alb = tf.one("aws_lb", "main")
    assert alb["drop_invalid_header_fields"] is True
    assert block(alb, "access_logs")["enabled"] is True


def test_health_check_readyz_every_30s(tf):
    hc = block(tf.one("aws_lb_target_group", "web"), "health_check")
    assert hc["path"] == "/readyz"
    assert hc["interval"] == 30
    assert tf.one("aws_lb_target_group", "web")["target_type"] == "ip"


def test_acm_certificates_dns_validated(tf):
    certs = tf.of_type("aws_acm_certificate")
    assert set(certs) == {"site", "cdn"}
    assert certs["cdn"]["provider"] == "${aws.us_east_1}"
    for c in certs.values():
        assert c["validation_method"] == "DNS"


def test_cloudfront_tls_waf_and_static_only(tf):
    cdn = tf.one("aws_cloudfront_distribution", "cdn")
    assert cdn["web_acl_id"] == "${aws_wafv2_web_acl.cdn.arn}"
    assert block(cdn, "viewer_certificate")["minimum_protocol_version"] == "TLSv1.2_2021"
    origins = {o["origin_id"]: o for o in blocks(cdn, "origin")}
    # Media never go through the CDN (private evidence files; presigned S3 URLs instead).
    assert set(origins) == {"web"}
    assert block(origins["web"], "custom_origin_config")["origin_protocol_policy"] == "https-only"
    assert not tf.of_type("aws_cloudfront_origin_access_control")
    default = block(cdn, "default_cache_behavior")
    assert default["viewer_protocol_policy"] == "redirect-to-https"
    assert default["target_origin_id"] == "web"
    fn = block(default, "function_association")
    assert (fn["event_type"], fn["function_arn"]) == ("viewer-request", "${aws_cloudfront_function.static_only.arn}")
    assert "statusCode: 404" in tf.one("aws_cloudfront_function", "static_only")["code"]
    behaviours = blocks(cdn, "ordered_cache_behavior")
    assert [(b["path_pattern"], b["target_origin_id"]) for b in behaviours] == [("/static/*", "web")]
    for b in [default, *behaviours]:
        assert b["allowed_methods"] == ["GET", "HEAD"]


def _rate_rule(acl):
    rules = [r for r in blocks(acl, "rule") if "rate_based_statement" in block(r, "statement")]
    assert len(rules) == 1
    return block(block(rules[0], "statement"), "rate_based_statement")


@pytest.mark.parametrize("name", ["alb", "cdn"])
def test_waf_rate_limit_2000_per_5_minutes_per_ip(tf, name):
    acl = tf.one("aws_wafv2_web_acl", name)
    rate = _rate_rule(acl)
    assert tf.resolve(rate["limit"]) == 2000
    assert rate["evaluation_window_sec"] == 300
    assert rate["aggregate_key_type"] == "IP"


@pytest.mark.parametrize("name", ["alb", "cdn"])
def test_waf_managed_rule_groups(tf, name):
    acl = tf.one("aws_wafv2_web_acl", name)
    managed = {
        block(block(r, "statement"), "managed_rule_group_statement")["name"]
        for r in blocks(acl, "rule")
        if "managed_rule_group_statement" in block(r, "statement")
    }
    assert {
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesSQLiRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
    } <= managed
    assert tf.one("aws_wafv2_web_acl_logging_configuration", name)


def test_waf_scopes_and_association(tf):
    assert tf.one("aws_wafv2_web_acl", "alb")["scope"] == "REGIONAL"
    assert tf.one("aws_wafv2_web_acl", "cdn")["scope"] == "CLOUDFRONT"
    assert tf.one("aws_wafv2_web_acl", "cdn")["provider"] == "${aws.us_east_1}"
    assoc = tf.one("aws_wafv2_web_acl_association", "alb")
    assert assoc["resource_arn"] == "${aws_lb.main.arn}"
