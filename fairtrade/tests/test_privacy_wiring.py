"""The privacy hooks are an explicit list (fairtrade/privacy.py): nothing is discovered by
naming convention, so an app that stores personal data and is missing from the list fails here."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from core.privacy import section_name
from fairtrade import privacy

ROOT = Path(settings.BASE_DIR)
# Framework tables that point at users and are handled elsewhere, each with its reason.
HANDLED_ELSEWHERE = {
    # Staff's own admin history (object names, not personal data of the actor's customers).
    "admin.logentry": "kept: staff actions in the admin are part of the security record",
    # allauth's addresses and confirmations: accounts.privacy deletes them.
    "account.emailaddress": "accounts.privacy", "account.emailconfirmation": "accounts.privacy",
    # allauth's two-factor authenticators (TOTP secret, recovery codes): accounts.privacy deletes them.
    "mfa.authenticator": "accounts.privacy",
}


def test_discovery_by_convention_is_gone():
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("fairtrade.discovery")


def test_every_contributor_has_the_three_functions():
    for module in privacy.CONTRIBUTORS:
        for name in ("export", "erasure_blockers", "erase"):
            assert callable(getattr(module, name, None)), f"{module.__name__}.{name}"


def test_every_project_app_with_a_privacy_module_is_listed():
    listed = {section_name(m) for m in privacy.CONTRIBUTORS}
    on_disk = {path.parent.name for path in ROOT.glob("*/privacy.py") if path.parent.name not in {"core", "fairtrade"}}
    assert on_disk == listed


def test_every_model_pointing_at_a_user_belongs_to_a_listed_app():
    listed = {section_name(m) for m in privacy.CONTRIBUTORS}
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    missing = []
    for model in apps.get_models():
        label = model._meta.label_lower
        points_at_user = any(getattr(f, "related_model", None) is user_model for f in model._meta.get_fields()
                             if f.is_relation and f.concrete)
        if points_at_user and label not in HANDLED_ELSEWHERE and model._meta.app_label not in listed:
            missing.append(label)
    assert missing == [], f"models holding a user with no privacy module in fairtrade/privacy.py: {missing}"
