"""GitHub Actions workflows: parse, and agree with deploy/ecs and Terraform."""

import re

import pytest
import yaml

from conftest import WORKFLOWS


def load(name):
    with open(WORKFLOWS / name) as f:
        doc = yaml.safe_load(f)
    doc["on"] = doc.pop(True, doc.get("on"))  # YAML 1.1 reads the key `on` as True
    return doc


def steps_text(job):
    return "\n".join((s.get("run") or "") + " " + str(s.get("uses") or "") for s in job["steps"])


@pytest.mark.parametrize("name", ["ci.yml", "deploy.yml"])
def test_workflows_parse(name):
    doc = load(name)
    assert doc["jobs"]
    assert doc["permissions"] == {"contents": "read"}


def test_ci_runs_make_test_against_postgres_and_redis_plus_lint_and_deploy_checks():
    ci = load("ci.yml")
    test = ci["jobs"]["test"]
    assert test["services"]["postgres"]["image"].startswith("postgres:15")
    assert test["services"]["redis"]["image"].startswith("redis:7")
    text = steps_text(test)
    assert "make test" in text and "make lint" in text
    deploy_check = steps_text(ci["jobs"]["deploy-check"])
    assert "terraform -chdir=deploy/terraform validate" in deploy_check
    assert "fmt -check" in deploy_check
    assert "make deploy-check" in deploy_check


def test_deploy_triggers_staging_on_main_and_production_on_tags():
    deploy = load("deploy.yml")
    assert deploy["on"]["push"]["branches"] == ["main"]
    assert deploy["on"]["push"]["tags"] == ["v*"]
    env_expr = deploy["jobs"]["deploy"]["environment"]
    assert "production" in env_expr and "staging" in env_expr and "refs/tags/" in env_expr


def test_deploy_uses_oidc_and_no_long_lived_keys():
    deploy = load("deploy.yml")
    job = deploy["jobs"]["deploy"]
    assert job["permissions"]["id-token"] == "write"
    creds = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("aws-actions/configure-aws-credentials"))
    assert "role-to-assume" in creds["with"]
    raw = (WORKFLOWS / "deploy.yml").read_text() + (WORKFLOWS / "ci.yml").read_text()
    assert "aws-access-key-id" not in raw and "AWS_SECRET_ACCESS_KEY" not in raw
    # the build job (untrusted code) gets no AWS access at all
    assert "id-token" not in str(deploy["jobs"]["build"].get("permissions", {}))


def test_deploy_order_migrate_then_update_then_wait_with_rollback():
    job = load("deploy.yml")["jobs"]["deploy"]
    names = [s.get("name", s.get("uses", "")) for s in job["steps"]]

    def index(fragment):
        return next(i for i, n in enumerate(names) if fragment in n)

    assert index("Push image") < index("Render task definitions") < index("Register task definitions")
    assert index("Register task definitions") < index("Run migrations") < index("Update services")
    assert index("Update services") < index("Wait for services") < index("Roll back")
    rollback = job["steps"][index("Roll back")]
    assert "failure()" in rollback["if"]
    text = steps_text(job)
    assert "aws ecs wait tasks-stopped" in text
    assert "aws ecs wait services-stable" in text
    assert 'test "$code" = "0"' in text


def test_deploy_renders_the_same_templates_and_image():
    job = load("deploy.yml")["jobs"]["deploy"]
    text = steps_text(job)
    assert "deploy/ecs/render.py" in text
    assert '--image "${IMAGE}"' in text
    assert 'IMAGE="${REPOSITORY}:${IMAGE_TAG}"' in text
    # the services and task families the pipeline touches are the ones Terraform makes
    for svc in ("web", "worker", "beat", "migrate"):
        assert svc in text
    assert "rendered/${svc}.json" in text
    assert '/fairtrade/${ENVIRONMENT}/deploy-config' in text
    assert '/fairtrade/${ENVIRONMENT}/migrate' in text


def test_deploy_paths_match_terraform(tf):
    ssm = tf.one("aws_ssm_parameter", "deploy_config")
    assert ssm["name"] == "/${var.project}/${var.environment}/deploy-config"
    assert tf.default("project") == "fairtrade"
    assert tf.one("aws_cloudwatch_log_group", "app")["name"] == "/${var.project}/${var.environment}/${each.key}"
    config_keys = set(re.findall(r"^\s{4}(\w+)\s+=", tf.text["ssm.tf"], re.M))
    used = set(re.findall(r"jq -[rc] '?\.(\w+)", (WORKFLOWS / "deploy.yml").read_text()))
    assert used <= config_keys, f"deploy.yml reads keys Terraform does not write: {used - config_keys}"


def test_deploy_environment_names_match_the_oidc_trust(tf):
    assert tf.variables["environment"]["validation"]
    raw = (WORKFLOWS / "deploy.yml").read_text()
    assert "options: [staging, production]" in raw


def test_images_are_scanned():
    deploy = load("deploy.yml")
    assert any("trivy" in str(s.get("uses", "")) for s in deploy["jobs"]["build"]["steps"])
