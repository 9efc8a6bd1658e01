"""The API answers its error shape for every error, also under DEBUG; the schema tells the truth."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(("method", "path"), [("get", "/api/v1/no-such-thing/"), ("post", "/api/v1/jobs"),
                                              ("get", "/api/v1/jobs/not-a-uuid/")])
def test_unknown_api_paths_answer_json(settings, debug, method, path):
    settings.DEBUG = debug
    response = getattr(Client(), method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_an_unhandled_error_under_debug_is_json(settings, monkeypatch, api_as, homeowner):
    from accounts import api

    settings.DEBUG = True

    def boom(self, request):
        raise RuntimeError("bug")

    monkeypatch.setattr(api.MeView, "get", boom)
    client = api_as(homeowner)
    client.raise_request_exception = False
    response = client.get("/api/v1/me/")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"


@pytest.fixture(scope="module")
def schema():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_job_address_is_not_required(schema):
    job = schema["components"]["schemas"]["Job"]
    assert "address" in job["properties"] and "address" not in job["required"]


def test_every_write_documents_idempotency_and_every_operation_its_scope(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "patch", "put", "delete"):
                continue
            assert "x-required-scope" in operation, f"{method} {path}"
            names = [p["name"] for p in operation.get("parameters", [])]
            if method in ("post", "patch"):
                assert "Idempotency-Key" in names, f"{method} {path}"
                assert {"409", "422"} <= set(operation["responses"]), f"{method} {path}"
    assert schema["paths"]["/api/v1/milestones/{id}/fund/"]["post"]["x-required-scope"] == "payments:write"


def test_docs_describe_webhooks_idempotency_and_scopes(schema):
    text = schema["info"]["description"]
    for needle in ("Idempotency-Key", "insufficient_scope", "webhook-signature", "payments:write", "clients/python"):
        assert needle in text
