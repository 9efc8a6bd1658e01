"""Each app contributes its own URLs, API routes and periodic jobs by convention,
so adding an app never means editing a central list (and never a merge conflict)."""

import importlib

from django.urls import include, path

# Order matters only for readability of the OpenAPI schema and the beat schedule.
DOMAIN_APPS = ["accounts", "jobs", "bids", "contracts", "payments", "disputes", "reviews", "notifications"]


def _optional_module(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise  # the module exists but one of its imports is broken: surface it
        return None


def app_urlpatterns(module_name: str) -> list:
    """include() every `<app>.<module_name>` that exists and defines urlpatterns."""
    patterns = []
    for app in DOMAIN_APPS:
        module = _optional_module(f"{app}.{module_name}")
        if module is not None and hasattr(module, "urlpatterns"):
            patterns.append(path("", include(module.__name__)))
    return patterns


def beat_schedule() -> dict:
    """Merge `SCHEDULE` dicts from `<app>/schedule.py` (plain data: no model imports)."""
    schedule: dict = {}
    for app in DOMAIN_APPS:
        module = _optional_module(f"{app}.schedule")
        if module is not None:
            schedule.update(module.SCHEDULE)
    return schedule


def app_modules(module_name: str) -> list:
    """Every `<app>.<module_name>` that exists, in DOMAIN_APPS order."""
    return [m for app in DOMAIN_APPS if (m := _optional_module(f"{app}.{module_name}")) is not None]
