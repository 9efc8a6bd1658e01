"""Privacy hooks by convention (being replaced by an explicit list: issue 12). URLs, API
routes and beat jobs are listed by hand in fairtrade/urls.py, api.py and schedule.py."""

import importlib

# Order matters only for readability of the OpenAPI schema and the beat schedule.
DOMAIN_APPS = ["accounts", "jobs", "bids", "contracts", "payments", "disputes", "reviews", "notifications"]


def _optional_module(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise  # the module exists but one of its imports is broken: surface it
        return None


def app_modules(module_name: str) -> list:
    """Every `<app>.<module_name>` that exists, in DOMAIN_APPS order."""
    return [m for app in DOMAIN_APPS if (m := _optional_module(f"{app}.{module_name}")) is not None]
