"""/api/v1/: every app's api.py contributes its urlpatterns (fairtrade.discovery)."""

from .discovery import app_urlpatterns

urlpatterns = app_urlpatterns("api")
