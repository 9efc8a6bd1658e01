"""Every project template compiles, and the master process compiles them all before forking."""

from django.template import engines
from django.test import override_settings

from core import templatewarm


def test_every_project_template_is_found_and_compiles():
    names = templatewarm.template_names()
    assert "jobs/detail.html" in names and "base.html" in names
    assert any(name.endswith(".txt") for name in names)  # emails' plain-text parts too
    assert templatewarm.compile_all() == len(names)


@override_settings(DEBUG=False)
def test_compiled_templates_stay_in_the_cached_loader():
    engine = engines["django"].engine
    loader = engine.template_loaders[0]
    assert type(loader).__name__ == "Loader" and loader.__module__ == "django.template.loaders.cached"
    loader.reset()
    templatewarm.compile_all()
    assert "jobs/detail.html" in {key.split("-")[0] for key in loader.get_template_cache}
