"""Static URLs from the manifest, looked up once per name (core.staticfiles)."""

import json

import pytest

from core.staticfiles import RememberingManifestStaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    (tmp_path / "staticfiles.json").write_text(json.dumps(
        {"version": "1.1", "paths": {"css/site.css": "css/site.0123abcd.css"}, "hash": "x"}))
    return RememberingManifestStaticFilesStorage(location=str(tmp_path), base_url="/static/")


def test_the_hashed_url_is_looked_up_once(storage):
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    storage.hashed_files.clear()  # the manifest is not consulted again for a name it answered
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"


def test_a_name_missing_from_the_manifest_still_fails_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")


def test_debug_still_gets_unhashed_names(storage, settings):
    settings.DEBUG = True
    assert storage.url("css/site.css") == "/static/css/site.css"
