"""deploy/ecs task definition templates against the settings, Terraform and render.py."""

import json
import re
import subprocess
import sys

import pytest

from conftest import ECS, SERVICES, main_container, settings_env, settings_files, task_definition

# Values that come from Secrets Manager and must never be plain environment values.
SECRETS = {
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "SENDGRID_API_KEY",
    "ANYMAIL_WEBHOOK_SECRET",
    "TWILIO_AUTH_TOKEN",
    "SENTRY_DSN",
}

# Settings variables production deliberately leaves to their defaults, with the reason.
OPTIONAL_IN_PRODUCTION = {
    "AWS_S3_ENDPOINT_URL": "only for S3-compatible stores (MinIO, moto); AWS uses its own endpoint",
    "WEB_CONCURRENCY": "given to web only; the entrypoint sizes gunicorn by CPU without it",
    "API_RATE_IP_READ": "API throttle rates: the settings' defaults are the production values",
    "API_RATE_IP_WRITE": "API throttle rates: the settings' defaults are the production values",
    "API_RATE_TOKEN_READ": "API throttle rates: the settings' defaults are the production values",
    "API_RATE_TOKEN_WRITE": "API throttle rates: the settings' defaults are the production values",
    "API_RATE_AUTH": "API throttle rates: the settings' defaults are the production values",
    "LOGIN_RATE_IP": "sign-in rate per IP: the settings' default is the production value",
    "NOTIFY_EMAIL_BATCH_SECONDS": "message email batching window: the default (600 s) is the production value",
    "WEBHOOKS_ALLOW_PRIVATE_NETWORKS": "development only: production.py forces it off (SSRF)",
    "PYTEST_XDIST_WORKER": "set by pytest-xdist in test runs only (per-worker cache prefix); never in a container",
}

# Read by the container rather than by Django settings.
CONTAINER_ONLY = {"PORT", "WEB_CONCURRENCY", "DJANGO_SETTINGS_MODULE"}

PRODUCTION_VALUES = {
    "DJANGO_SETTINGS_MODULE": "fairtrade.settings.production",
    "PAYMENT_GATEWAY": "stripe",
    "DEBUG": "false",
}


def provided(service):
    c = main_container(service)
    env = {e["name"]: e["value"] for e in c.get("environment", [])}
    secrets = {s["name"]: s["valueFrom"] for s in c.get("secrets", [])}
    return env, secrets


def required_names():
    names = settings_env()
    return ({n for n in names if n not in OPTIONAL_IN_PRODUCTION} | {"DJANGO_SETTINGS_MODULE"}) - {"WEB_CONCURRENCY"}


def test_settings_are_read_from_the_source():
    names = settings_env()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"} <= set(names)
    if settings_files():
        assert names["ALLOWED_HOSTS"] is True, "production reads ALLOWED_HOSTS without a default"


@pytest.mark.parametrize("service", SERVICES)
def test_template_is_valid_json_for_fargate(service):
    td = task_definition(service)
    assert td["family"] == "${family_prefix}-" + service
    assert td["requiresCompatibilities"] == ["FARGATE"] and td["networkMode"] == "awsvpc"
    assert td["executionRoleArn"] == "${execution_role_arn}" and td["taskRoleArn"] == "${task_role_arn}"
    assert td["cpu"] == f"${{{service}_cpu}}" and td["memory"] == f"${{{service}_memory}}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_required_setting_is_provided(service):
    env, secrets = provided(service)
    missing = required_names() - set(env) - set(secrets)
    assert not missing, (
        f"{service} task definition does not provide {sorted(missing)}: add them to deploy/ecs/*.json "
        "(and to ecs_template_vars in deploy/terraform/ecs.tf), or to OPTIONAL_IN_PRODUCTION with a reason"
    )


@pytest.mark.parametrize("service", SERVICES)
def test_no_secret_is_a_plain_environment_value(service):
    td = task_definition(service)
    for c in td["containerDefinitions"]:
        env = {e["name"]: e["value"] for e in c.get("environment", [])}
        assert not SECRETS & set(env), f"{c['name']}: secrets in plain environment: {sorted(SECRETS & set(env))}"
        for name, value in env.items():
            assert not re.search(r"(sk_live|sk_test|whsec_|://[^/]*:[^@/]+@)", value), f"{name} looks secret"


@pytest.mark.parametrize("service", SERVICES)
def test_secrets_come_from_this_environments_secrets_manager_entries(service):
    td = task_definition(service)
    for c in td["containerDefinitions"]:
        for s in c.get("secrets", []):
            assert s["name"] in SECRETS
            assert s["valueFrom"] == "${secrets_prefix}/" + s["name"]
    _, secrets = provided(service)
    assert set(secrets) == SECRETS


@pytest.mark.parametrize("service", SERVICES)
def test_no_unknown_environment_names(service):
    env, secrets = provided(service)
    known = set(settings_env()) | CONTAINER_ONLY
    unknown = (set(env) | set(secrets)) - known
    assert not unknown, f"{service} sets variables no settings file reads: {sorted(unknown)}"


@pytest.mark.parametrize("service", SERVICES)
def test_media_have_no_custom_domain(service):
    # Media are private (evidence files): only S3 presigned URLs, never an unsigned CDN host.
    env, _ = provided(service)
    assert "AWS_S3_CUSTOM_DOMAIN" not in env
    assert "cdn_domain_name" not in (ECS / f"{service}.json").read_text()


@pytest.mark.parametrize("service", SERVICES)
def test_production_values(service):
    env, _ = provided(service)
    for name, value in PRODUCTION_VALUES.items():
        assert env[name] == value


@pytest.mark.parametrize("service", SERVICES)
def test_same_image_command_and_hardening(service):
    c = main_container(service)
    assert c["image"] == "${image}"
    assert c["command"] == [service]
    assert c["essential"] is True
    assert c["readonlyRootFilesystem"] is True
    assert c["linuxParameters"]["initProcessEnabled"] is True
    assert c["user"] == "10001:10001"
    assert not c.get("privileged")
    assert c["logConfiguration"]["logDriver"] == "awslogs"
    assert c["logConfiguration"]["options"]["awslogs-group"] == "${log_group_prefix}/" + service
    for other in task_definition(service)["containerDefinitions"]:
        assert other["image"] == "${image}"


def test_web_serves_the_app_port_with_a_health_check():
    c = main_container("web")
    assert c["portMappings"][0]["containerPort"] == 8000
    env, _ = provided("web")
    assert env["PORT"] == "${app_port}" and env["WEB_CONCURRENCY"] == "${web_concurrency}"
    assert c["healthCheck"]["command"] == ["CMD", "python", "/app/docker/healthcheck.py", "web"]
    assert c["stopTimeout"] >= 25  # gunicorn --graceful-timeout


@pytest.mark.parametrize("service", ["worker", "beat"])
def test_celery_containers_have_health_checks(service):
    assert main_container(service)["healthCheck"]["command"][-1] == service


def test_migrate_is_a_one_off_without_health_check_or_port():
    c = main_container("migrate")
    assert "healthCheck" not in c and "portMappings" not in c


def test_beat_publishes_queue_depth():
    sidecar = next(c for c in task_definition("beat")["containerDefinitions"] if c["name"] == "queue-metrics")
    assert sidecar["essential"] is False
    assert sidecar["command"] == ["queue-metrics"]
    assert [s["name"] for s in sidecar["secrets"]] == ["REDIS_URL"]


def _placeholders():
    found = set()
    for service in SERVICES:
        found |= set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", (ECS / f"{service}.json").read_text()))
    return found


def test_terraform_supplies_every_placeholder(tf):
    ecs_tf = tf.text["ecs.tf"]
    block_text = ecs_tf.split("ecs_template_vars = {", 1)[1].split("\n  }\n", 1)[0]
    supplied = set(re.findall(r"^\s+([a-z_0-9]+)\s+=", block_text, re.M)) | {"image", "release"}
    assert _placeholders() <= supplied, f"placeholders Terraform does not supply: {_placeholders() - supplied}"


def test_terraform_secret_names_match_the_templates(tf):
    assert set(tf.locals["secret_names"]) == SECRETS


def test_render_produces_register_task_definition_input(tmp_path):
    values = {name: f"value-{name}" for name in _placeholders()}
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"template_vars": values}))
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, str(ECS / "render.py"), "--config", str(config), "--image", "repo:abc", "--release", "abc",
         "--out", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for service in SERVICES:
        td = json.loads((out / f"{service}.json").read_text())
        assert "${" not in json.dumps(td)
        assert td["containerDefinitions"][0]["image"] == "repo:abc"
        env = {e["name"]: e["value"] for e in td["containerDefinitions"][0]["environment"]}
        assert env["SENTRY_RELEASE"] == "abc"


def test_render_refuses_a_missing_value(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"template_vars": {}}))
    result = subprocess.run(
        [sys.executable, str(ECS / "render.py"), "--config", str(config), "--image", "i", "--release", "r",
         "--out", str(tmp_path / "o")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0


def test_client_address_trusts_exactly_the_alb(tf):
    # Requests reach the tasks through the ALB only (CloudFront serves /static/*): one proxy
    # appends to X-Forwarded-For, so rate limits key on that hop and never on client-written ones.
    assert tf.default("num_proxies") == 1
    for service in SERVICES:
        env, _ = provided(service)
        assert env["NUM_PROXIES"] == "${num_proxies}"
