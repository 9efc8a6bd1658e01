"""The transport: urllib from the standard library, JSON and multipart bodies, retries."""

from __future__ import annotations

import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from . import errors

RETRY_STATUSES = {429, 502, 503, 504}
WRITE_METHODS = {"POST", "PATCH"}


@dataclass(frozen=True)
class File:
    """An upload: File("photo.jpg", data, "image/jpeg")."""

    name: str
    content: bytes
    content_type: str = "application/octet-stream"


def encode_multipart(fields: dict[str, Any], boundary: str) -> bytes:
    """multipart/form-data with a fixed boundary, so a retried upload sends identical bytes
    (the server's idempotency check compares the exact body)."""
    out = bytearray()
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            out += f"--{boundary}\r\n".encode()
            if isinstance(item, File):
                out += (f'Content-Disposition: form-data; name="{name}"; filename="{item.name}"\r\n'
                        f"Content-Type: {item.content_type}\r\n\r\n").encode()
                out += item.content
            else:
                out += f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                out += str(item).encode()
            out += b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out)


class Transport:
    def __init__(self, base_url: str, token: str | None, *, timeout: float, max_retries: int,
                 user_agent: str, sleep: Callable[[float], None] = time.sleep):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.max_retries = max_retries
        self.user_agent = user_agent
        self.sleep = sleep

    def url(self, path: str, params: dict[str, Any] | None = None) -> str:
        url = path if path.startswith(("http://", "https://")) else f"{self.base_url}/api/v1/{path.lstrip('/')}"
        clean = {k: ("true" if v is True else "false" if v is False else v) for k, v in (params or {}).items()
                 if v is not None}
        return url + ("?" + urllib.parse.urlencode(clean) if clean else "")

    def request(self, method: str, path: str, *, json_body: Any = None, files: dict[str, Any] | None = None,
                params: dict[str, Any] | None = None, idempotency_key: str | None = None,
                authenticated: bool = True) -> Any:
        headers = {"Accept": "application/json", "User-Agent": self.user_agent}
        if self.token and authenticated:
            headers["Authorization"] = f"Bearer {self.token}"
        if method in WRITE_METHODS:
            # Every write carries a key, so a retry after a timeout can never do the work twice.
            idempotency_key = idempotency_key or str(uuid.uuid4())
            headers["Idempotency-Key"] = idempotency_key
        data: bytes | None = None
        if files is not None:
            boundary = "ftw-" + uuid.uuid5(uuid.NAMESPACE_URL, idempotency_key or str(uuid.uuid4())).hex
            data = encode_multipart(files, boundary)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif json_body is not None or method in WRITE_METHODS:
            data = json.dumps({} if json_body is None else json_body, default=str).encode()
            headers["Content-Type"] = "application/json"
        url = self.url(path, params)

        attempt = 0
        while True:
            attempt += 1
            try:
                status, response_headers, body = self._send(method, url, data, headers)
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                retriable = method not in WRITE_METHODS or idempotency_key is not None
                if attempt > self.max_retries or not retriable:
                    raise errors.TransportError(f"{method} {url}: {exc}") from exc
                self.sleep(self._backoff(attempt))
                continue
            if 200 <= status < 300:
                return json.loads(body) if body else None
            parsed: Any
            try:
                parsed = json.loads(body) if body else None
            except ValueError:
                parsed = None
            error = errors.error_for(status, parsed, response_headers)
            retry = status in RETRY_STATUSES or isinstance(error, errors.IdempotencyKeyInUse)
            if retry and attempt <= self.max_retries:
                wait = error.retry_after if isinstance(error, errors.RateLimited) else None
                self.sleep(wait if wait is not None else self._backoff(attempt))
                continue
            raise error

    def _send(self, method: str, url: str, data: bytes | None, headers: dict[str, str]):
        if not url.startswith(("http://", "https://")):
            raise errors.TransportError(f"Only http(s) URLs are allowed: {url}")
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310 (checked above)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (http(s) only)
                return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()

    @staticmethod
    def _backoff(attempt: int) -> float:
        return min(0.5 * 2 ** (attempt - 1), 8.0) * random.uniform(0.5, 1.0)  # noqa: S311 (jitter)

    def paginate(self, path: str, params: dict[str, Any] | None = None) -> Iterator[Any]:
        """Follow the cursor pages: yields every item of every page, fetching lazily."""
        url: str | None = self.url(path, params)
        while url:
            page = self.request("GET", url)
            if isinstance(page, list):  # an unpaginated list endpoint
                yield from page
                return
            yield from page["results"]
            url = page.get("next")
