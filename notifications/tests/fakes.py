"""Twilio faked at its HTTP client (twilio.http.HttpClient), as ARCHITECTURE.md asks."""

import json
import logging
import uuid
from urllib.parse import parse_qs

from twilio.http import HttpClient
from twilio.http.response import Response


class FakeTwilioHttp(HttpClient):
    """Records every request; answers message creation and listing like Twilio's API.

    `fail_with` = (status, twilio_error_code) makes creation fail; `raise_exc` raises it
    (a timeout); `stored` holds the messages Twilio "has", for the sweeper's lookup."""

    def __init__(self):
        super().__init__(logging.getLogger("twilio.fake"), is_async=False, timeout=10)
        self.requests = []
        self.fail_with = None
        self.raise_exc = None
        self.stored = []

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False):
        self.requests.append({"method": method, "uri": uri, "params": params or {}, "data": data or {}})
        if self.raise_exc is not None:
            raise self.raise_exc
        if method == "POST" and uri.endswith("/Messages.json"):
            if self.fail_with:
                status, code = self.fail_with
                body = {"code": code, "message": f"Error {code}", "more_info": "", "status": status}
                return Response(status, json.dumps(body))
            message = {
                "sid": f"SM{uuid.uuid4().hex}", "status": "queued", "to": data["To"], "from": data.get("From"),
                "body": data["Body"], "num_segments": "1",
            }
            self.stored.append(message)
            return Response(201, json.dumps(message))
        if method == "GET" and uri.endswith("/Messages.json"):
            to = (params or {}).get("To")
            found = [m for m in self.stored if m["to"] == to]
            return Response(200, json.dumps({
                "messages": found, "next_page_uri": None, "previous_page_uri": None, "page": 0, "page_size": 50,
                "start": 0, "end": len(found), "uri": uri, "first_page_uri": uri,
            }))
        return Response(404, json.dumps({"code": 20404, "message": "not found", "status": 404}))

    @property
    def sent(self):
        return [r["data"] for r in self.requests if r["method"] == "POST"]


def form(body: bytes) -> dict:
    return {key: values[0] for key, values in parse_qs(body.decode()).items()}
