from django.shortcuts import render

from .api import json_error


def home(request):
    return render(request, "home.html")


def _error(request, status, code, title, message):
    if request.path.startswith("/api/"):
        return json_error(request, code, message, status)
    return render(request, "error.html", {"title": title, "message": message, "status": status}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, "validation_error", "Bad request", "The request could not be understood.")


def permission_denied(request, exception=None):
    return _error(request, 403, "permission_denied", "Not allowed", "You don't have access to this page.")


def page_not_found(request, exception=None):
    return _error(request, 404, "not_found", "Page not found", "We couldn't find that page. It may have moved, or the link may be incomplete.")


def server_error(request):
    return _error(request, 500, "server_error", "Something went wrong", "An error occurred on our side and our team has been told. Please try again in a moment.")


def service_unavailable(request, exception=None):
    return _error(request, 503, "service_unavailable", "We'll be right back",
                  "The site can't reach its database right now. Nothing you sent was lost; please try again in a minute.")
