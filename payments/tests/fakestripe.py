"""A fake Stripe at the HTTP layer: a `stripe.HTTPClient` subclass given to StripeClient.

It keeps objects in memory, honours idempotency keys the way Stripe does (same key and
same parameters -> the same response, replayed; same key with other parameters -> 400
idempotency_error), records every request for assertions, and can inject faults:
a timeout before Stripe sees the request, a timeout after Stripe did the work (the
response is lost), 5xx and 4xx answers. `complete_checkout` plays the customer paying,
and `event(...)` builds webhook payloads with Stripe's envelope.

Money that moves records a balance transaction, as Stripe's balance history does (charges,
transfers, refunds, dispute withdrawals and reinstatements), listed newest first with
cursor paging by GET /v1/balance_transactions; /v1/disputes and /v1/refunds list too.
`dashboard_refund` plays staff refunding in Stripe's dashboard (no metadata of ours),
`open_dispute` / `close_dispute` the cardholder's bank.
"""

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import stripe

_counter = itertools.count(1)


def _id(prefix: str) -> str:
    return f"{prefix}_test{next(_counter):06d}"


def _nest(pairs: list[tuple[str, str]]) -> dict:
    """`a[b][0][c]=1` form encoding -> nested dicts/lists, as Stripe's API decodes it."""
    root: dict = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_lists(node[k]) for k in sorted(node, key=int)]
        return {k: _lists(v) for k, v in node.items()}
    return node


@dataclass
class Recorded:
    method: str
    path: str
    params: dict  # nested, values as strings (exactly what went over the wire)
    flat: dict
    idempotency_key: str | None
    headers: dict = field(default_factory=dict)


class FakeStripe(stripe.HTTPClient):
    name = "fakestripe"

    def __init__(self):
        super().__init__()
        self.requests: list[Recorded] = []
        self.objects: dict[str, dict] = {}
        self._idempotent: dict[str, tuple[str, str, tuple[str, int, dict]]] = {}
        self._faults: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()
        self.balance_available = 10**12
        self.balance_transactions: list[dict] = []  # oldest first; listed newest first
        self.dispute_fee = 1500
        self.max_page = 100  # Stripe's largest page; tests lower it to exercise paging

    # --- test controls ------------------------------------------------------------
    def fail_next(self, method: str, path_prefix: str, mode: str, times: int = 1):
        """mode: timeout | timeout_after | 500 | 429 | 400 | 404"""
        for _ in range(times):
            self._faults.append((method.upper(), path_prefix, mode))

    def calls(self, method: str, path_prefix: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method.upper() and r.path.startswith(path_prefix)]

    def complete_checkout(self, session_id: str) -> dict:
        """The customer pays: the session completes and a PaymentIntent + Charge exist."""
        session = self.objects[session_id]
        amount = session["amount_total"]
        charge_id, intent_id = _id("ch"), _id("pi")
        pi_data = session["_payment_intent_data"]
        self.objects[charge_id] = {
            "id": charge_id, "object": "charge", "amount": amount, "amount_captured": amount, "amount_refunded": 0,
            "currency": session["currency"], "paid": True, "refunded": False, "status": "succeeded",
            "payment_intent": intent_id, "transfer_group": pi_data.get("transfer_group"),
            "metadata": pi_data.get("metadata", {}), "refunds": {"object": "list", "data": []},
            "created": int(time.time()), "livemode": False,
        }
        self.objects[intent_id] = {
            "id": intent_id, "object": "payment_intent", "amount": amount, "amount_received": amount,
            "currency": session["currency"], "status": "succeeded", "latest_charge": charge_id,
            "transfer_group": pi_data.get("transfer_group"), "metadata": pi_data.get("metadata", {}),
            "created": int(time.time()), "livemode": False,
        }
        session.update(status="complete", payment_status="paid", payment_intent=intent_id)
        self.add_balance_transaction("charge", amount, source=charge_id, currency=session["currency"])
        return session

    def add_balance_transaction(self, kind: str, amount: int, *, source: str | None = None, fee: int = 0,
                                currency: str = "usd", created: int | None = None) -> dict:
        """One line of Stripe's balance history (tests add one directly to play money that
        moved without any event reaching us)."""
        bt = {"id": _id("txn"), "object": "balance_transaction", "type": kind, "amount": amount, "fee": fee,
              "net": amount - fee, "currency": currency, "source": source, "status": "available",
              "reporting_category": {"adjustment": "dispute"}.get(kind, kind), "created": created or int(time.time())}
        self.balance_transactions.append(bt)
        return bt

    def dashboard_refund(self, charge_id: str, amount: int | None = None, *, status: str = "succeeded") -> dict:
        """Someone refunds the charge in the Stripe dashboard: no metadata, no key of ours."""
        charge = self.objects[charge_id]
        amount = charge["amount"] - charge["amount_refunded"] if amount is None else amount
        return self._make_refund(charge, amount, {}, status=status)

    def settle_refund(self, refund_id: str, status: str = "succeeded") -> dict:
        """A refund Stripe reported pending settles (or fails) later."""
        refund = self.objects[refund_id]
        refund["status"] = status
        if status == "succeeded":
            self.add_balance_transaction("refund", -refund["amount"], source=refund_id, currency=refund["currency"])
        elif status in ("failed", "canceled"):
            charge = self.objects[refund["charge"]]
            charge["amount_refunded"] -= refund["amount"]
        return self.public(refund_id)

    def open_dispute(self, charge_id: str, amount: int | None = None, *, reason: str = "fraudulent",
                     withdraw: bool = True) -> dict:
        charge = self.objects[charge_id]
        dispute_id = _id("du")
        charge["disputed"] = True
        self.objects[dispute_id] = {
            "id": dispute_id, "object": "dispute", "amount": amount or charge["amount"], "currency": charge["currency"],
            "charge": charge_id, "payment_intent": charge["payment_intent"], "reason": reason,
            "status": "needs_response", "balance_transactions": [], "is_charge_refundable": False,
            "evidence_details": {"due_by": int(time.time()) + 7 * 86400, "has_evidence": False},
            "created": int(time.time()), "livemode": False, "metadata": {},
        }
        if withdraw:
            self.withdraw_dispute_funds(dispute_id)
        return self.public(dispute_id)

    def withdraw_dispute_funds(self, dispute_id: str) -> dict:
        dispute = self.objects[dispute_id]
        bt = self.add_balance_transaction("adjustment", -dispute["amount"], source=dispute_id, fee=self.dispute_fee,
                                          currency=dispute["currency"])
        dispute["balance_transactions"].append(dict(bt))
        return self.public(dispute_id)

    def close_dispute(self, dispute_id: str, *, won: bool, fee_returned: bool = True) -> dict:
        dispute = self.objects[dispute_id]
        withdrawn = [bt for bt in dispute["balance_transactions"] if bt["amount"] < 0]
        if won and withdrawn:
            fee = -sum(bt["fee"] for bt in withdrawn) if fee_returned else 0
            bt = self.add_balance_transaction("adjustment", -sum(b["amount"] for b in withdrawn), source=dispute_id,
                                              fee=fee, currency=dispute["currency"])
            dispute["balance_transactions"].append(dict(bt))
        dispute["status"] = "won" if won else "lost"
        return self.public(dispute_id)

    def public(self, object_id: str) -> dict:
        return {k: v for k, v in self.objects[object_id].items() if not k.startswith("_")}

    def event(self, event_type: str, obj: dict, *, event_id: str | None = None, created: int | None = None) -> dict:
        return {
            "id": event_id or _id("evt"), "object": "event", "api_version": stripe.api_version,
            "created": created or int(time.time()), "type": event_type, "livemode": False,
            "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
            "data": {"object": {k: v for k, v in obj.items() if not k.startswith("_")}},
        }

    def set_account(self, account_id: str, **fields):
        self.objects[account_id].update(fields)
        return self.public(account_id)

    def finish_onboarding(self, account_id: str) -> dict:
        """The contractor completed Express onboarding: payouts and transfers enabled."""
        account = self.objects[account_id]
        account.update(charges_enabled=True, payouts_enabled=True, details_submitted=True,
                       capabilities={"transfers": "active"})
        account["requirements"] = {"currently_due": [], "past_due": [], "eventually_due": [], "disabled_reason": None}
        return self.public(account_id)

    # --- stripe.HTTPClient --------------------------------------------------------
    def request(self, method, url, headers, post_data=None, *, _usage=None):
        method = method.upper()
        parts = urlsplit(url)
        raw = post_data.decode() if isinstance(post_data, bytes) else (post_data or parts.query or "")
        pairs = parse_qsl(raw, keep_blank_values=True)
        headers = dict(headers or {})
        key = headers.get("Idempotency-Key")
        with self._lock:
            record = Recorded(method, parts.path, _nest(pairs), dict(pairs), key, headers)
            self.requests.append(record)
            fault = self._take_fault(method, parts.path)
            if fault in {"400", "404"} and method == "POST" and key in self._idempotent:
                fault = None  # Stripe answers a key it already processed with the stored answer, never a new 4xx
            if fault == "timeout":
                raise stripe.APIConnectionError("Request timed out (fake).", should_retry=True)
            if fault in {"500", "429", "400", "404"}:
                return self._error(int(fault))
            if method == "POST" and key and key in self._idempotent:
                prior_path, prior_raw, response = self._idempotent[key]
                if prior_path != parts.path or prior_raw != raw:
                    return self._error(400, "idempotency_error",
                                       "Keys for idempotent requests can only be used with the same parameters.")
                replay = dict(response[2], **{"Idempotent-Replayed": "true"})
                return response[0], response[1], replay
            response = self._route(method, parts.path, record.params)
            if method == "POST" and key and response[1] < 500:
                self._idempotent[key] = (parts.path, raw, response)
            if fault == "timeout_after":
                # Stripe did the work; the answer never reached us.
                raise stripe.APIConnectionError("Read timed out (fake, after processing).", should_retry=True)
            return response

    def _take_fault(self, method, path):
        for index, (f_method, prefix, mode) in enumerate(self._faults):
            if f_method == method and path.startswith(prefix):
                del self._faults[index]
                return mode
        return None

    @staticmethod
    def _ok(body: dict, status: int = 200):
        return json.dumps(body), status, {"Request-Id": _id("req"), "Content-Type": "application/json"}

    @staticmethod
    def _error(status: int, code: str = "", message: str = ""):
        kinds = {400: "invalid_request_error", 404: "invalid_request_error", 429: "rate_limit_error"}
        body = {"error": {"type": kinds.get(status, "api_error"), "code": code or f"fake_{status}",
                          "message": message or f"Fake Stripe answered {status}."}}
        if code == "idempotency_error":
            body["error"]["type"] = "idempotency_error"
        return json.dumps(body), status, {"Request-Id": _id("req")}

    def _get(self, object_id: str, kind: str):
        obj = self.objects.get(object_id)
        if not obj or obj["object"] != kind:
            return self._error(404, "resource_missing", f"No such {kind}: '{object_id}'")
        return self._ok(self.public(object_id))

    def _list(self, rows: list[dict], p: dict, expand_source: bool = False):
        """Stripe's list API: newest first, `limit`, `starting_after` cursor, `created[gte|lt]`."""
        created = p.get("created") or {}
        rows = [r for r in rows if ("gte" not in created or r["created"] >= int(created["gte"]))
                and ("lt" not in created or r["created"] < int(created["lt"]))]
        rows = list(reversed(rows))
        if p.get("starting_after"):
            ids = [r["id"] for r in rows]
            rows = rows[ids.index(p["starting_after"]) + 1:] if p["starting_after"] in ids else []
        limit = min(int(p.get("limit", 10)), self.max_page)
        page = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows[:limit]]
        if expand_source and "data.source" in (p.get("expand") or []):
            page = [dict(r, source=self.public(r["source"]) if r.get("source") in self.objects else r.get("source"))
                    for r in page]
        return self._ok({"object": "list", "data": page, "has_more": len(rows) > limit, "url": "/v1/list"})

    def _route(self, method, path, p):
        segments = path.strip("/").split("/")[1:]  # drop "v1"
        if method == "GET" and path == "/v1/balance_transactions":
            return self._list(self.balance_transactions, p, expand_source=True)
        if method == "GET" and path in ("/v1/disputes", "/v1/refunds"):
            kind = path.rsplit("/", 1)[1][:-1]
            return self._list([o for o in self.objects.values() if o["object"] == kind], p)
        if method == "GET" and len(segments) == 2:
            kinds = {"payment_intents": "payment_intent", "transfers": "transfer", "refunds": "refund",
                     "accounts": "account", "charges": "charge", "disputes": "dispute"}
            return self._get(segments[1], kinds.get(segments[0], segments[0]))
        if method == "POST" and path == "/v1/checkout/sessions":
            return self._checkout(p)
        if method == "POST" and path.startswith("/v1/checkout/sessions/") and path.endswith("/expire"):
            session = self.objects.get(segments[2])
            if not session:
                return self._error(404, "resource_missing", "No such checkout session")
            if session["status"] != "open":
                return self._error(400, "checkout_session_not_open", "Only open sessions can be expired.")
            session["status"] = "expired"
            return self._ok(self.public(session["id"]))
        if method == "GET" and path.startswith("/v1/checkout/sessions/"):
            return self._get(segments[2], "checkout.session")
        if method == "POST" and path == "/v1/transfers":
            return self._transfer(p)
        if method == "POST" and path == "/v1/refunds":
            return self._refund(p)
        if method == "POST" and path == "/v1/accounts":
            return self._account(p)
        if method == "POST" and path == "/v1/account_links":
            if p.get("account") not in self.objects:
                return self._error(400, "resource_missing", "No such account")
            return self._ok({"object": "account_link", "url": f"https://connect.stripe.com/setup/e/{p['account']}/fake",
                             "created": int(time.time()), "expires_at": int(time.time()) + 300})
        return self._error(404, "unknown_path", f"Unrecognized request URL ({method}: {path}).")

    def _checkout(self, p):
        session_id = _id("cs_test")
        lines = p.get("line_items", [])
        amount = sum(int(line["price_data"]["unit_amount"]) * int(line.get("quantity", 1)) for line in lines)
        session = {
            "id": session_id, "object": "checkout.session", "mode": p["mode"], "amount_total": amount,
            "currency": lines[0]["price_data"]["currency"], "status": "open", "payment_status": "unpaid",
            "payment_intent": None, "client_reference_id": p.get("client_reference_id"),
            "customer_email": p.get("customer_email"), "metadata": p.get("metadata", {}),
            "success_url": p["success_url"], "cancel_url": p["cancel_url"],
            "url": f"https://checkout.stripe.com/c/pay/{session_id}", "livemode": False,
            "created": int(time.time()), "_payment_intent_data": p.get("payment_intent_data", {}),
        }
        self.objects[session_id] = session
        return self._ok(self.public(session_id))

    def _transfer(self, p):
        charge = self.objects.get(p.get("source_transaction", ""))
        if not charge or charge["object"] != "charge":
            return self._error(400, "resource_missing", "No such charge for source_transaction")
        if p.get("destination") not in self.objects:
            return self._error(400, "resource_missing", "No such destination account")
        destination = self.objects[p["destination"]]
        if destination.get("capabilities", {}).get("transfers") != "active":
            return self._error(400, "insufficient_capabilities_for_transfer",
                               "The destination account needs the transfers capability.")
        amount = int(p["amount"])
        transferred = sum(o["amount"] for o in self.objects.values()
                          if o["object"] == "transfer" and o.get("source_transaction") == charge["id"])
        if transferred + amount > charge["amount"] - charge["amount_refunded"]:
            return self._error(400, "balance_insufficient", "Transfers exceed the source charge.")
        transfer_id = _id("tr")
        self.objects[transfer_id] = {
            "id": transfer_id, "object": "transfer", "amount": amount, "amount_reversed": 0, "currency": p["currency"],
            "destination": p["destination"], "source_transaction": charge["id"], "transfer_group": p.get("transfer_group"),
            "metadata": p.get("metadata", {}), "reversed": False, "reversals": {"object": "list", "data": []},
            "created": int(time.time()), "livemode": False,
        }
        self.add_balance_transaction("transfer", -amount, source=transfer_id, currency=p["currency"])
        return self._ok(self.public(transfer_id))

    def _refund(self, p):
        intent = self.objects.get(p.get("payment_intent", ""))
        if not intent:
            return self._error(400, "resource_missing", "No such payment_intent")
        charge = self.objects[intent["latest_charge"]]
        amount = int(p.get("amount", charge["amount"] - charge["amount_refunded"]))
        blocking = [o for o in self.objects.values() if o["object"] == "dispute" and o["charge"] == charge["id"]
                    and o["status"] != "won"]
        if blocking:
            return self._error(400, "charge_disputed", f"Charge {charge['id']} has been charged back; cannot issue a "
                                                       "refund.")
        if amount <= 0 or charge["amount_refunded"] + amount > charge["amount"]:
            return self._error(400, "charge_already_refunded", "Refund exceeds the remaining charge amount.")
        return self._ok(self._make_refund(charge, amount, p.get("metadata", {})))

    def _make_refund(self, charge: dict, amount: int, metadata: dict, status: str = "succeeded") -> dict:
        refund_id = _id("re")
        refund = {
            "id": refund_id, "object": "refund", "amount": amount, "currency": charge["currency"],
            "charge": charge["id"], "payment_intent": charge["payment_intent"], "status": status,
            "metadata": metadata, "created": int(time.time()),
        }
        self.objects[refund_id] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        charge["refunds"]["data"].insert(0, dict(refund))
        if status == "succeeded":
            self.add_balance_transaction("refund", -amount, source=refund_id, currency=charge["currency"])
        return dict(refund)

    def _account(self, p):
        account_id = _id("acct")
        self.objects[account_id] = {
            "id": account_id, "object": "account", "type": p.get("type"), "country": p.get("country"),
            "email": p.get("email"), "metadata": p.get("metadata", {}), "charges_enabled": False,
            "payouts_enabled": False, "details_submitted": False,
            "capabilities": {"transfers": "inactive"},
            "requirements": {"currently_due": ["external_account", "individual.dob.day", "tos_acceptance.date"],
                             "past_due": [], "eventually_due": [], "disabled_reason": "requirements.past_due"},
            "created": int(time.time()),
        }
        return self._ok(self.public(account_id))
