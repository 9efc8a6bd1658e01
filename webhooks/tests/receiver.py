"""A real HTTP receiver on a loopback port, for delivery tests: it records every request and
answers with the statuses queued in `responses` (200 once the queue is empty)."""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list = field(default_factory=list)
    responses: list = field(default_factory=list)
    redirect_to: str = ""

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        self.requests.append(Received(handler.path, dict(handler.headers.items()), handler.rfile.read(length)))
        status = self.responses.pop(0) if self.responses else 200
        handler.send_response(status)
        if 300 <= status < 400:
            handler.send_header("Location", self.redirect_to or "/elsewhere")
        body = b'{"ok": true}' if status < 300 else b"nope"
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def start() -> tuple[Receiver, ThreadingHTTPServer]:
    holder: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            holder["receiver"].handle(self)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hooks")
    holder["receiver"] = receiver
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver, server
