import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fairtrade.settings.local")

application = get_wsgi_application()

if os.environ.get("LOADTEST_CEILING") == "1":
    # make loadtest / make stress: the bare-Django ceiling page, in the same gunicorn.
    from loadtest.ceiling import with_ceiling

    application = with_ceiling(application)
