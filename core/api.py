"""API plumbing shared by every app: the error shape, pagination, base views."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, pagination, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import ApplicationError

_DATETIME = serializers.DateTimeField()  # DRF's own formatting (time zone, "Z"), reused


def api_datetime(value):
    """A datetime as DRF's DateTimeField writes it, for representations built by hand."""
    return _DATETIME.to_representation(value) if value is not None else None


_CODES_BY_STATUS = {
    400: "validation_error",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    body = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return body


def _flatten(detail):
    """DRF error details -> {"field": ["sentence", ...]} with nested paths dotted."""
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub_key, sub_value in _flatten(value).items():
                    out[f"{key}.{sub_key}"] = sub_value
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    for sub_key, sub_value in _flatten(item).items():
                        out[f"{key}.{index}.{sub_key}"] = sub_value
            else:
                out[key] = [str(v) for v in (value if isinstance(value, list) else [value])]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"non_field_errors": [str(detail)]}


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        response = Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
        if getattr(exc, "retry_after", None):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django's 500 handling (and Sentry) see it

    code = _CODES_BY_STATUS.get(response.status_code, "error")
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        non_field = fields.get("non_field_errors")
        message = non_field[0] if non_field and len(fields) == 1 else "Some fields need attention."
        response.data = error_body("validation_error", message, fields)
        return response
    detail = getattr(exc, "detail", None)
    if isinstance(detail, dict) and "code" in detail and "message" in detail:
        code, message = str(detail["code"]), str(detail["message"])
    else:
        message = str(detail) if detail else "Request failed."
        if isinstance(exc, exceptions.Throttled) and exc.wait:
            message = f"Too many requests. Try again in {int(exc.wait) + 1} seconds."
    response.data = error_body(code, message)
    return response


def json_error(request, code: str, message: str, status_code: int) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status_code)


class CursorPagination(pagination.CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-created_at"

    def get_page_size(self, request):
        """A page_size that is not a whole number from 1 to 100 is a 400, not silently 20."""
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        if len(raw) > 1 or not raw[0].isdigit() or not 1 <= int(raw[0]) <= self.max_page_size:
            raise exceptions.ValidationError({self.page_size_query_param: [
                f"A whole number from 1 to {self.max_page_size}."]})
        return int(raw[0])

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_size_query_param:
                param["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return params


@csrf_exempt  # a 404 changes nothing; without this a cookie-carrying POST got the HTML CSRF page
def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """The last route under /api/v1/: unknown paths answer the error shape (also under DEBUG,
    where Django would otherwise render its HTML technical 404)."""
    return json_error(request, "not_found", "No such endpoint. See /api/docs/ for the list.", 404)
