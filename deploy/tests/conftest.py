"""Shared fixtures of the deploy suite (deploy/check.sh runs it in .venv-deploy).

The application's own test run (`make test`) walks the whole repository; it has no
python-hcl2, so there this folder is left out of collection instead of failing.
"""

import json
import re
from functools import cache
from pathlib import Path

import pytest

try:
    import hcl2
    from hcl2.utils import SerializationOptions
except ImportError:  # the application's virtualenv: not our suite
    collect_ignore_glob = ["test_*.py"]
    hcl2 = None

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
TERRAFORM = DEPLOY / "terraform"
ECS = DEPLOY / "ecs"
WORKFLOWS = REPO / ".github" / "workflows"
SERVICES = ("web", "worker", "beat", "migrate")


@cache
def parse_tf(path: Path) -> dict:
    options = SerializationOptions(with_comments=False, explicit_blocks=False, strip_string_quotes=True)
    with open(path) as f:
        return hcl2.load(f, serialization_options=options)


def tf_files() -> list[Path]:
    return sorted(TERRAFORM.glob("*.tf"))


class Terraform:
    """The root module, merged: resources[type][name] -> body, plus data, variables, locals."""

    def __init__(self, files: list[Path]):
        self.resources: dict[str, dict[str, dict]] = {}
        self.data: dict[str, dict[str, dict]] = {}
        self.variables: dict[str, dict] = {}
        self.locals: dict = {}
        self.outputs: dict[str, dict] = {}
        self.terraform: list[dict] = []
        self.providers: list[dict] = []
        self.text = {p.name: p.read_text() for p in files}
        for path in files:
            doc = parse_tf(path)
            for block in doc.get("resource", []):
                for rtype, named in block.items():
                    for name, body in named.items():
                        self.resources.setdefault(rtype, {})[name] = body
            for block in doc.get("data", []):
                for dtype, named in block.items():
                    for name, body in named.items():
                        self.data.setdefault(dtype, {})[name] = body
            for block in doc.get("variable", []):
                self.variables.update(block)
            for block in doc.get("locals", []):
                self.locals.update(block)
            for block in doc.get("output", []):
                self.outputs.update(block)
            self.terraform += doc.get("terraform", [])
            for block in doc.get("provider", []):
                self.providers.append(block)

    def of_type(self, rtype: str) -> dict[str, dict]:
        return self.resources.get(rtype, {})

    def one(self, rtype: str, name: str) -> dict:
        assert name in self.of_type(rtype), f"missing resource {rtype}.{name}"
        return self.of_type(rtype)[name]

    def default(self, variable: str):
        assert variable in self.variables, f"missing variable {variable}"
        return self.variables[variable].get("default")

    def resolve(self, value):
        """Resolve a plain ${var.x} reference to the variable's default."""
        if isinstance(value, str):
            m = re.fullmatch(r"\$\{var\.([a-z0-9_]+)\}", value)
            if m:
                return self.default(m.group(1))
        return value


@pytest.fixture(scope="session")
def tf() -> Terraform:
    return Terraform(tf_files())


def blocks(body: dict, name: str) -> list[dict]:
    """A nested block as a list (hcl2 gives a list of bodies for repeated blocks)."""
    value = body.get(name, [])
    return value if isinstance(value, list) else [value]


def block(body: dict, name: str) -> dict:
    found = blocks(body, name)
    assert len(found) == 1, f"expected one {name} block, found {len(found)}"
    return found[0]


@cache
def task_definition(service: str) -> dict:
    return json.loads((ECS / f"{service}.json").read_text())


def main_container(service: str) -> dict:
    td = task_definition(service)
    return next(c for c in td["containerDefinitions"] if c["name"] == service)


# --- The settings' environment variables ------------------------------------------

SETTINGS_DIR = REPO / "fairtrade" / "settings"

# What the application engineer announced before fairtrade/settings existed; used only
# while no settings file can be read.
ANNOUNCED_SETTINGS_ENV = {
    "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS",
    "SITE_URL", "DATABASE_URL", "DATABASE_POOL_MAX_SIZE", "REDIS_URL", "SENTRY_DSN",
    "SENTRY_ENVIRONMENT", "SENTRY_TRACES_SAMPLE_RATE", "SENTRY_RELEASE", "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_REGION_NAME", "AWS_S3_ENDPOINT_URL", "PAYMENT_GATEWAY",
    "STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET", "PLATFORM_FEE_BPS",
    "AUTO_APPROVE_DAYS", "DEFAULT_FROM_EMAIL", "SENDGRID_API_KEY", "ANYMAIL_WEBHOOK_SECRET",
    "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER", "LOG_LEVEL", "WEB_CONCURRENCY",
}  # fmt: skip

# env("NAME" ...), env.bool("NAME" ...), env.int / str / list / db / float / ... ("NAME" ...)
ENV_CALL = re.compile(
    r"""\benv(?:\.(?:bool|int|str|list|db|db_url|float|url|json|tuple|dict|path|cache|cache_url|email|email_url|search_url))?\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']"""
)


def env_calls(text: str) -> list[tuple[str, bool]]:
    """(name, has_default) for every env(...) call in a settings file."""
    found = []
    for m in ENV_CALL.finditer(text):
        # the call's argument list: up to the matching closing parenthesis
        depth, i = 0, text.index("(", m.start())
        start = i
        while i < len(text):
            if text[i] == "(":
                depth += 1
            elif text[i] == ")":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        args = text[start : i + 1]
        found.append((m.group(1), "default" in args))
    return found


def settings_files() -> list[Path]:
    return sorted(SETTINGS_DIR.glob("*.py")) if SETTINGS_DIR.is_dir() else []


def settings_env() -> dict[str, bool]:
    """name -> True when some settings file reads it without a default (required)."""
    files = settings_files()
    if not files:
        return {name: False for name in ANNOUNCED_SETTINGS_ENV}
    names: dict[str, bool] = {}
    for path in files:
        for name, has_default in env_calls(path.read_text()):
            names[name] = names.get(name, False) or not has_default
    return names
