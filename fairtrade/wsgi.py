import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fairtrade.settings.local")
GC_YOUNG_THRESHOLD = 20_000

application = get_wsgi_application()

# Work every process would otherwise do on its first requests, done once here: gunicorn runs
# with --preload (docker/entrypoint.sh), so workers, including those recycled after
# --max-requests, fork from a master that has already imported every view, built the ZIP
# tables (a cold worker used to spend ~4 s on them while requests queued behind it) and
# compiled every template.
from django.urls import get_resolver  # noqa: E402

from core import templatewarm  # noqa: E402
from core.geo import warm  # noqa: E402

get_resolver().url_patterns  # noqa: B018 (imports every URLconf and view module)
warm()
templatewarm.compile_all()
# What is loaded now lives as long as the process: keep it out of the collector's scans
# (~400k objects, the ZIP tables among them, walked again by every full collection) and
# out of copy-on-write faults in the forked workers. A request allocates tens of thousands of
# containers; a larger young generation collects a few times per request, not ~100 times.
gc.collect()
gc.freeze()
gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 20)

if os.environ.get("LOADTEST_CEILING") == "1":
    # make loadtest / make stress: the bare-Django ceiling page, in the same gunicorn.
    from loadtest.ceiling import with_ceiling

    application = with_ceiling(application)
