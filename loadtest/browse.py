"""What a browser does that Locust does not: read links and forms out of HTML and submit a
form the way the page built it (hidden fields, CSRF token, defaults), changing only what a
person would type. Kept free of Locust imports so it can be tested without it."""

import itertools
import re
import threading
from functools import cached_property
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


class Form:
    def __init__(self, action, method):
        self.action, self.method = action, method.lower()
        self.fields: dict[str, str] = {}
        self.buttons: list[tuple[str, str]] = []

    def data(self, button=None, **changes):
        values = dict(self.fields)
        if button is not None:
            values[button[0]] = button[1]
        values.update({k: str(v) for k, v in changes.items()})
        return values


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form = self._select = self._textarea = None
        self._select_first = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(a.get("action") or "", a.get("method") or "get")
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.fields[a["name"]] = a.get("value", "on")
            elif kind == "submit":
                self._form.buttons.append((a["name"], a.get("value", "")))
            elif kind != "file":
                self._form.fields[a["name"]] = a.get("value", "")
        elif tag == "button" and a.get("name"):
            self._form.buttons.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form.fields[self._textarea] = ""
        elif tag == "select" and a.get("name"):
            self._select, self._select_first = a["name"], None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None and value:
                self._select_first = value
            if "selected" in a:
                self._form.fields[self._select] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select and self._form is not None:
            self._form.fields.setdefault(self._select, self._select_first or "")
            self._select = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea] += data


class Page:
    """A response as a browser would use it. Forms are parsed only when one is needed and
    links are read with a regex: Locust shares the machine with the server, and parsing every
    page in full cost ~3.6 ms of its CPU per response, time taken from the site under test."""

    _HREF = re.compile(r'<a\b[^>]*?\bhref="([^"]+)"', re.IGNORECASE)

    def __init__(self, url, html):
        self.url, self.html = url, html or ""

    @cached_property
    def forms(self):
        parser = _FormParser()
        parser.feed(self.html)
        return parser.forms

    @cached_property
    def links(self):
        return [urljoin(self.url, unescape(href)) for href in self._HREF.findall(self.html)]

    def form(self, action_contains="", *, method="post"):
        """The first form whose action contains the text (an empty action posts to the page)."""
        for form in self.forms:
            action = urljoin(self.url, form.action) if form.action else self.url
            if form.method == method and action_contains in action:
                form.action = action
                return form
        return None

    def links_matching(self, pattern):
        regex = re.compile(pattern)
        return list(dict.fromkeys(link for link in self.links if regex.search(link)))


class AccountPool:
    """Hands out seeded accounts one per simulated user (thread/greenlet safe)."""

    def __init__(self, fmt, size):
        self._fmt, self._size = fmt, size
        self._next = itertools.count()
        self._lock = threading.Lock()

    def take(self):
        with self._lock:
            return self._fmt.format(next(self._next) % self._size)
