"""The load test reads pages as a browser would: links (entities decoded, made absolute) and
forms with their hidden fields; parsing happens only for what a scenario asks of a page."""

from loadtest.browse import Page

HTML = """
<nav><a class="brand" href="/">FairTradeWorker</a></nav>
<a href="/jobs/?category=roofing&amp;page=2">Next</a>
<a data-x="1" href="/jobs/0b7f6a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b/">Fix the roof</a>
<link rel="stylesheet" href="/static/site.css">
<form method="post" action="/jobs/0b7f6a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b/bid/">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input name="amount_cents" value="">
  <select name="estimated_days"><option value="">Pick</option><option value="3">3</option></select>
  <textarea name="message">Hello</textarea>
  <button name="action" value="place">Place bid</button>
</form>
"""


def test_links_are_anchors_only_with_entities_decoded_and_absolute():
    page = Page("http://127.0.0.1:8800/jobs/", HTML)
    assert page.links == [
        "http://127.0.0.1:8800/",
        "http://127.0.0.1:8800/jobs/?category=roofing&page=2",
        "http://127.0.0.1:8800/jobs/0b7f6a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b/",
    ]
    assert page.links_matching(r"/jobs/[0-9a-f-]{36}/$") == ["http://127.0.0.1:8800/jobs/0b7f6a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b/"]


def test_a_form_keeps_hidden_fields_defaults_and_what_the_person_types():
    page = Page("http://127.0.0.1:8800/jobs/x/", HTML)
    form = page.form("/bid/")
    assert form.action == "http://127.0.0.1:8800/jobs/0b7f6a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b/bid/"
    assert form.data(button=("action", "place"), amount_cents=5000) == {
        "csrfmiddlewaretoken": "tok", "amount_cents": "5000", "estimated_days": "3", "message": "Hello",
        "action": "place",
    }
    assert page.form("/nowhere/") is None


def test_nothing_is_parsed_until_a_scenario_asks():
    page = Page("http://127.0.0.1:8800/", "<a href='/x/'>not even parsed</a>" + "<p>" * 10_000)
    assert "forms" not in page.__dict__ and "links" not in page.__dict__
