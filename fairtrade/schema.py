"""OpenAPI generation for the partner API: what every operation shares, stated once.

Every POST and PATCH documents the optional `Idempotency-Key` header and its two refusals
(409 idempotency_key_in_use, 422 idempotency_key_reused); every operation states the token
scope it needs (`x-required-scope`, and a line in its description) and 403 insufficient_scope.
"""

import re

from django.urls import Resolver404, resolve
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from accounts import scopes
from core.idempotency import HEADER

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER, type=OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=False,
    description=(
        "A unique key (e.g. a UUID) per logical request. Retrying with the same key and the same body within "
        "24 hours returns the first response (status and body, with `Idempotent-Replayed: true`) without doing "
        "the work again. The same key with a different body: 422 `idempotency_key_reused`; while the first "
        "request is still running: 409 `idempotency_key_in_use`. Keys are per token."
    ),
)

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            },
        }
    },
}


class AutoSchema(SpectacularAutoSchema):
    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        if self.method in ("POST", "PATCH"):
            params.append(IDEMPOTENCY_PARAMETER)
        return params

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        needed = scopes.required_scope(_route_name_for(path), method)
        if needed is not scopes.UNLISTED:
            operation["x-required-scope"] = needed
            line = f"Token scope: `{needed}`." if needed else "Token scope: none (public data)."
            operation["description"] = (operation.get("description", "") + "\n\n" + line).strip()
        responses = operation.setdefault("responses", {})
        error = {"content": {"application/json": {"schema": ERROR_SCHEMA}}}
        # What any operation can answer, whatever its view declares: malformed input, a bad or
        # expired token, an unknown or invisible object, rate limits.
        for code, text in (("400", "validation_error"), ("401", "not_authenticated"), ("404", "not_found"),
                           ("429", "rate_limited (see Retry-After)")):
            responses.setdefault(code, {"description": text, **error})
        if method in ("POST", "PATCH"):
            responses.setdefault("415", {"description": "unsupported_media_type", **error})
        if needed not in (None, scopes.UNLISTED):
            responses.setdefault("403", {"description": "permission_denied or insufficient_scope", **error})
        if method in ("POST", "PATCH"):
            responses.setdefault("409", {"description": "idempotency_key_in_use (or invalid_state / conflict)", **error})
            responses.setdefault("422", {"description": "idempotency_key_reused", **error})
        return operation


def _route_name_for(path: str) -> str | None:
    """The URL name of an OpenAPI path (`/api/v1/jobs/{id}/` -> `job-detail`)."""
    concrete = re.sub(r"\{[^}]+\}", "00000000-0000-0000-0000-000000000000", path)
    try:
        return resolve(concrete).url_name
    except Resolver404:
        return None
