"""Static file URLs looked up once per process.

`{% static %}` asks the manifest storage for each file's hashed URL on every render: parse the
name, look it up in the manifest, join it to STATIC_URL. Eleven times per page for the
stylesheets and scripts of the base template, ~3 % of a signed-in page's profile, and always
with the same answer until the next deploy (a new manifest comes with new processes)."""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class RememberingManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage whose url() remembers each name's answer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        if settings.DEBUG or force:  # unhashed names in DEBUG, as the parent does
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = self._urls[name] = super().url(name)
        return found
