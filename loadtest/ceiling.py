"""The "ceiling" page: what this gunicorn + Django stack serves when a page costs nothing but
Django itself. A bare Django view (no middleware, no database) rendering a 20-item template
through Django's template engine, mounted at /__ceiling__/ by fairtrade.wsgi only when
LOADTEST_CEILING=1 (make loadtest / make stress). The report states each page's throughput
as a share of this one's, measured in the same run by the same users.
"""

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.template import Context, Engine

PATH = "/__ceiling__/"
TEMPLATE = Engine(debug=False).from_string(
    "<!doctype html><html lang=\"en\"><head><title>Ceiling</title></head><body><h1>{{ title }}</h1><ul>"
    "{% for item in items %}<li><h3>{{ item.title }}</h3><p>{{ item.city }}, {{ item.state }} · "
    "{{ item.budget }}</p><p>{{ item.text|truncatechars:180 }}</p></li>{% endfor %}</ul></body></html>"
)
ITEMS = [
    {"title": f"Job {i}", "city": "Austin", "state": "TX", "budget": f"${i * 100:,} – ${i * 150:,}",
     "text": "Need help with a water heater. Details about the house, access and materials go here. " * 3}
    for i in range(1, 21)
]


def ceiling_view(request):
    return HttpResponse(TEMPLATE.render(Context({"title": "Ceiling", "items": ITEMS})))


def with_ceiling(application):
    """WSGI middleware: /__ceiling__/ goes to the bare view, everything else to the site."""

    def dispatch(environ, start_response):
        if environ.get("PATH_INFO") != PATH:
            return application(environ, start_response)
        response = ceiling_view(WSGIRequest(environ))
        start_response(f"{response.status_code} {response.reason_phrase}",
                       [*response.items(), *(("Set-Cookie", c.output(header="")) for c in response.cookies.values())])
        return response

    return dispatch
