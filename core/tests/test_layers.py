"""Dependencies point one way (ARCHITECTURE.md, Layers): a module may import apps of its
own layer or below, never above. Entry points (views, API, admin, tasks, URL maps,
management commands, demo seeding run by a command, template tags) may call up.

Read from the source (AST), so imports inside functions count too.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LAYERS = {
    "core": 0, "audit": 0,
    "accounts": 1,
    "notifications": 2,
    "jobs": 3,
    "bids": 4,
    "payments": 5,
    "contracts": 6,
    "disputes": 7, "reviews": 7, "credentials": 7,
    "analytics": 8, "messaging": 8, "directory": 8,
    # Partner webhooks build each recipient's payload from every app's API serializers and
    # selectors, so they sit on top; lower services only write core.outbox rows.
    "webhooks": 8,
    "dashboard": 9,
    # Moderation acts on the content of jobs (and their questions), reviews, messaging and
    # accounts/directory: it hides through each app's own service and suspends through
    # accounts and bids, so it sits on top, beside the dashboard.
    "moderation": 9,
}

# Entry points may call any app's services (ARCHITECTURE.md). Matched against the path
# inside the app: a file name, or a folder every file of which is an entry point.
ENTRY_FILES = {"views.py", "api.py", "admin.py", "tasks.py", "urls.py", "demo.py", "web.py", "apps.py"}
ENTRY_PREFIXES = ("views_",)  # accounts/views_phone.py and the like
ENTRY_DIRS = {"api", "management", "templatetags", "tests", "migrations"}

# Precise, justified exceptions: (module path, imported app). Each is a read or a delivery
# helper, never a service of the higher app writing its rows; each predates issue 10.
EXCEPTIONS = {
    # The contractor profile form offers jobs' trade categories (the profile's M2M to
    # jobs.Category is declared by label); a form only feeds views.
    ("accounts/forms.py", "jobs"),
    # Phone verification sends its code by SMS through notifications' provider helper
    # and keeps its rows there; moving it is not part of issue 10.
    ("accounts/phone.py", "notifications"),
    # Job visibility includes "contractors who bid on it" and the owner's live-bid count:
    # read-only filters on bids rows inside jobs' own selector.
    ("jobs/selectors.py", "bids"),
}


def _is_entry(relative: Path) -> bool:
    return (relative.name in ENTRY_FILES or relative.name.startswith(ENTRY_PREFIXES)
            or any(part in ENTRY_DIRS for part in relative.parts[:-1]))


def _imported_apps(tree: ast.AST) -> set[str]:
    apps = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            apps.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            apps.add(node.module.split(".")[0])
    return apps & LAYERS.keys()


def _violations(app: str) -> list[str]:
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT / app)
        if _is_entry(relative):
            continue
        for imported in _imported_apps(ast.parse(path.read_text(), filename=str(path))):
            module = f"{app}/{relative.as_posix()}"
            if LAYERS[imported] > LAYERS[app] and (module, imported) not in EXCEPTIONS:
                found.append(f"{module} imports {imported}")
    return found


@pytest.mark.parametrize("app", sorted(LAYERS))
def test_no_app_imports_an_app_above_it(app):
    assert _violations(app) == []


def test_payments_never_imports_contracts_disputes_or_reviews():
    """Stricter for payments (issue 10): not even its entry points, except the two that
    hand a milestone to contracts as a view would (the payouts page reads escrow totals)."""
    allowed = {("payments/views.py", "contracts")}
    found = []
    for path in sorted((ROOT / "payments").rglob("*.py")):
        relative = path.relative_to(ROOT / "payments")
        if relative.parts[0] in ("tests", "migrations"):
            continue
        module = f"payments/{relative.as_posix()}"
        for imported in _imported_apps(ast.parse(path.read_text())) & {"contracts", "disputes", "reviews"}:
            if (module, imported) not in allowed:
                found.append(f"{module} imports {imported}")
    assert found == []


def test_accounts_knows_nothing_of_profiles_above_it():
    """The public contractor profile lives in directory with its data (issue 14); accounts,
    entry points included, imports neither credentials nor directory. Only the seed_demo
    command, which loads every app's demo data, may."""
    found = []
    for path in sorted((ROOT / "accounts").rglob("*.py")):
        relative = path.relative_to(ROOT / "accounts")
        if relative.parts[0] in ("tests", "migrations", "management"):
            continue
        for imported in _imported_apps(ast.parse(path.read_text())) & {"credentials", "directory"}:
            found.append(f"accounts/{relative.as_posix()} imports {imported}")
    assert found == []


def test_the_check_itself_notices_an_upward_import(tmp_path):
    tree = ast.parse("def f():\n    from contracts.models import Milestone\n")
    assert _imported_apps(tree) == {"contracts"}
    assert not _is_entry(Path("services/funding.py")) and _is_entry(Path("management/commands/x.py"))
