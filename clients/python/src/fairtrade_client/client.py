"""FairTradeClient: one method per endpoint of the partner API v1 (API.md)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, cast

from . import types as t
from ._http import File, Transport

__all__ = ["FairTradeClient", "File"]

USER_AGENT = "fairtrade-client-python/1.0"


def _drop_none(**kwargs: Any) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if v is not None}


class FairTradeClient:
    """client = FairTradeClient("https://fairtradeworker.example", token="ftw_...")

    Every write sends an `Idempotency-Key` (pass `idempotency_key=` to choose it, e.g. your own
    order id), so the built-in retries (connection errors, 429 after `Retry-After`, 502-504,
    `idempotency_key_in_use`) can never do the work twice. Errors raise the classes in
    fairtrade_client.errors, one per API error code. List methods return iterators that
    follow the cursor pages lazily.
    """

    def __init__(self, base_url: str, token: str | None = None, *, timeout: float = 30.0, max_retries: int = 3,
                 sleep: Callable[[float], None] = time.sleep):
        self._http = Transport(base_url, token, timeout=timeout, max_retries=max_retries, user_agent=USER_AGENT,
                               sleep=sleep)

    @property
    def token(self) -> str | None:
        return self._http.token

    # --- auth and account ------------------------------------------------------------------
    @classmethod
    def login(cls, base_url: str, email: str, password: str, *, name: str | None = None,
              scopes: list[str] | None = None, expires_at: str | None = None, **options: Any) -> FairTradeClient:
        """Exchange email + password for a token and return a client using it."""
        client = cls(base_url, **options)
        created = client.create_token(email, password, name=name, scopes=scopes, expires_at=expires_at)
        client._http.token = created["token"]
        return client

    def create_token(self, email: str, password: str, *, name: str | None = None, scopes: list[str] | None = None,
                     expires_at: str | None = None) -> t.JSON:
        body = _drop_none(email=email, password=password, name=name, scopes=scopes, expires_at=expires_at)
        return cast(t.JSON, self._http.request("POST", "auth/token/", json_body=body, authenticated=False))

    def me(self) -> t.JSON:
        return cast(t.JSON, self._http.request("GET", "me/"))

    def request_phone_code(self, phone: str, *, idempotency_key: str | None = None) -> t.JSON:
        return self._http.request("POST", "me/phone/", json_body={"phone": phone}, idempotency_key=idempotency_key)

    def verify_phone(self, code: str, *, idempotency_key: str | None = None) -> t.JSON:
        return self._http.request("POST", "me/phone/verify/", json_body={"code": code}, idempotency_key=idempotency_key)

    def tokens(self) -> Iterator[t.JSON]:
        return self._http.paginate("tokens/")

    def revoke_token(self, token_id: str) -> None:
        self._http.request("DELETE", f"tokens/{token_id}/")

    # --- jobs ------------------------------------------------------------------------------
    def categories(self) -> list[t.Category]:
        return cast(list[t.Category], self._http.request("GET", "categories/"))

    def jobs(self, *, q: str | None = None, category: str | None = None, zip: str | None = None,  # noqa: A002
             radius_miles: int | None = None, budget_min_cents: int | None = None,
             budget_max_cents: int | None = None, mine: bool | None = None, page_size: int | None = None) -> Iterator[t.Job]:
        return self._http.paginate("jobs/", _drop_none(
            q=q, category=category, zip=zip, radius_miles=radius_miles, budget_min_cents=budget_min_cents,
            budget_max_cents=budget_max_cents, mine=mine, page_size=page_size))

    def create_job(self, *, title: str, description: str, category: str, zip_code: str, budget_min_cents: int,
                   budget_max_cents: int, desired_start: str, bidding_deadline: str, address: str | None = None,
                   publish: bool = False, idempotency_key: str | None = None) -> t.Job:
        body = _drop_none(title=title, description=description, category=category, zip_code=zip_code, address=address,
                          budget_min_cents=budget_min_cents, budget_max_cents=budget_max_cents,
                          desired_start=desired_start, bidding_deadline=bidding_deadline, publish=publish)
        return cast(t.Job, self._http.request("POST", "jobs/", json_body=body, idempotency_key=idempotency_key))

    def job(self, job_id: str) -> t.Job:
        return cast(t.Job, self._http.request("GET", f"jobs/{job_id}/"))

    def update_job(self, job_id: str, *, idempotency_key: str | None = None, **fields: Any) -> t.Job:
        return cast(t.Job, self._http.request("PATCH", f"jobs/{job_id}/", json_body=fields,
                                              idempotency_key=idempotency_key))

    def publish_job(self, job_id: str, *, idempotency_key: str | None = None) -> t.Job:
        return cast(t.Job, self._http.request("POST", f"jobs/{job_id}/publish/", idempotency_key=idempotency_key))

    def close_bidding(self, job_id: str, *, idempotency_key: str | None = None) -> t.Job:
        return cast(t.Job, self._http.request("POST", f"jobs/{job_id}/close-bidding/", idempotency_key=idempotency_key))

    def cancel_job(self, job_id: str, *, reason: str = "", idempotency_key: str | None = None) -> t.Job:
        return cast(t.Job, self._http.request("POST", f"jobs/{job_id}/cancel/", json_body={"reason": reason},
                                              idempotency_key=idempotency_key))

    def job_photos(self, job_id: str) -> list[t.JSON]:
        return cast(list[t.JSON], self._http.request("GET", f"jobs/{job_id}/photos/"))

    def add_job_photo(self, job_id: str, image: File, *, caption: str = "", idempotency_key: str | None = None) -> t.JSON:
        return self._http.request("POST", f"jobs/{job_id}/photos/", files={"image": image, "caption": caption},
                                  idempotency_key=idempotency_key)

    def job_questions(self, job_id: str) -> Iterator[t.JSON]:
        return self._http.paginate(f"jobs/{job_id}/questions/")

    def ask_question(self, job_id: str, body: str, *, idempotency_key: str | None = None) -> t.JSON:
        return self._http.request("POST", f"jobs/{job_id}/questions/", json_body={"body": body},
                                  idempotency_key=idempotency_key)

    def answer_question(self, question_id: str, answer: str, *, idempotency_key: str | None = None) -> t.JSON:
        return self._http.request("POST", f"questions/{question_id}/answer/", json_body={"answer": answer},
                                  idempotency_key=idempotency_key)

    # --- bids ------------------------------------------------------------------------------
    def job_bids(self, job_id: str) -> Iterator[t.Bid]:
        return self._http.paginate(f"jobs/{job_id}/bids/")

    def place_bid(self, job_id: str, *, amount_cents: int, estimated_days: int, proposed_start: str, message: str = "",
                  milestones: list[t.MilestoneTerms] | None = None, idempotency_key: str | None = None) -> t.Bid:
        body = _drop_none(amount_cents=amount_cents, estimated_days=estimated_days, proposed_start=proposed_start,
                          message=message, milestones=milestones)
        return cast(t.Bid, self._http.request("POST", f"jobs/{job_id}/bids/", json_body=body,
                                              idempotency_key=idempotency_key))

    def bid_summary(self, job_id: str) -> t.JSON:
        return cast(t.JSON, self._http.request("GET", f"jobs/{job_id}/bid-summary/"))

    def bids(self, *, status: str | None = None, job: str | None = None) -> Iterator[t.Bid]:
        return self._http.paginate("bids/", _drop_none(status=status, job=job))

    def bid(self, bid_id: str) -> t.Bid:
        return cast(t.Bid, self._http.request("GET", f"bids/{bid_id}/"))

    def revise_bid(self, bid_id: str, *, idempotency_key: str | None = None, **terms: Any) -> t.Bid:
        return cast(t.Bid, self._http.request("PATCH", f"bids/{bid_id}/", json_body=terms,
                                              idempotency_key=idempotency_key))

    def withdraw_bid(self, bid_id: str, *, idempotency_key: str | None = None) -> t.Bid:
        return cast(t.Bid, self._http.request("POST", f"bids/{bid_id}/withdraw/", idempotency_key=idempotency_key))

    def accept_bid(self, bid_id: str, *, idempotency_key: str | None = None) -> t.Contract:
        return cast(t.Contract, self._http.request("POST", f"bids/{bid_id}/accept/", idempotency_key=idempotency_key))

    # --- contracts and milestones ----------------------------------------------------------
    def contracts(self) -> Iterator[t.Contract]:
        return self._http.paginate("contracts/")

    def contract(self, contract_id: str) -> t.Contract:
        return cast(t.Contract, self._http.request("GET", f"contracts/{contract_id}/"))

    def cancel_contract(self, contract_id: str, *, idempotency_key: str | None = None) -> t.Contract:
        return cast(t.Contract, self._http.request("POST", f"contracts/{contract_id}/cancel/",
                                                   idempotency_key=idempotency_key))

    def contract_payments(self, contract_id: str) -> t.JSON:
        return cast(t.JSON, self._http.request("GET", f"contracts/{contract_id}/payments/"))

    def fund_milestone(self, milestone_id: str, *, idempotency_key: str | None = None) -> t.JSON:
        """Needs the payments:write scope."""
        return self._http.request("POST", f"milestones/{milestone_id}/fund/", idempotency_key=idempotency_key)

    def submit_milestone(self, milestone_id: str, *, notes: str, evidence: list[File],
                         idempotency_key: str | None = None) -> t.JSON:
        return self._http.request("POST", f"milestones/{milestone_id}/submit/",
                                  files={"notes": notes, "evidence": evidence}, idempotency_key=idempotency_key)

    def approve_milestone(self, milestone_id: str, *, idempotency_key: str | None = None) -> t.JSON:
        """Releases the milestone's money to the contractor. Needs the payments:write scope."""
        return self._http.request("POST", f"milestones/{milestone_id}/approve/", idempotency_key=idempotency_key)

    def request_changes(self, milestone_id: str, note: str, *, idempotency_key: str | None = None) -> t.JSON:
        return self._http.request("POST", f"milestones/{milestone_id}/request-changes/", json_body={"note": note},
                                  idempotency_key=idempotency_key)

    def payout_onboarding_link(self, *, idempotency_key: str | None = None) -> t.JSON:
        return self._http.request("POST", "payouts/onboarding-link/", idempotency_key=idempotency_key)

    def payout_status(self) -> t.JSON:
        return cast(t.JSON, self._http.request("GET", "payouts/status/"))

    # --- disputes --------------------------------------------------------------------------
    def open_dispute(self, milestone_id: str, *, reason: str, description: str, requested_refund_cents: int = 0,
                     idempotency_key: str | None = None) -> t.Dispute:
        body = {"reason": reason, "description": description, "requested_refund_cents": requested_refund_cents}
        return cast(t.Dispute, self._http.request("POST", f"milestones/{milestone_id}/disputes/", json_body=body,
                                                  idempotency_key=idempotency_key))

    def disputes(self) -> Iterator[t.Dispute]:
        return self._http.paginate("disputes/")

    def dispute(self, dispute_id: str) -> t.Dispute:
        return cast(t.Dispute, self._http.request("GET", f"disputes/{dispute_id}/"))

    def post_dispute_message(self, dispute_id: str, body: str, *, files: list[File] | None = None,
                             idempotency_key: str | None = None) -> t.JSON:
        if files:
            return self._http.request("POST", f"disputes/{dispute_id}/messages/", files={"body": body, "files": files},
                                      idempotency_key=idempotency_key)
        return self._http.request("POST", f"disputes/{dispute_id}/messages/", json_body={"body": body},
                                  idempotency_key=idempotency_key)

    def make_offer(self, dispute_id: str, *, contractor_amount_cents: int, note: str = "",
                   idempotency_key: str | None = None) -> t.JSON:
        return self._http.request("POST", f"disputes/{dispute_id}/offers/", idempotency_key=idempotency_key,
                                  json_body={"contractor_amount_cents": contractor_amount_cents, "note": note})

    def accept_offer(self, offer_id: str, *, idempotency_key: str | None = None) -> t.JSON:
        """Settles the dispute and moves money. Needs the payments:write scope."""
        return self._http.request("POST", f"offers/{offer_id}/accept/", idempotency_key=idempotency_key)

    def reject_offer(self, offer_id: str, *, idempotency_key: str | None = None) -> t.JSON:
        return self._http.request("POST", f"offers/{offer_id}/reject/", idempotency_key=idempotency_key)

    def withdraw_dispute(self, dispute_id: str, *, idempotency_key: str | None = None) -> t.Dispute:
        return cast(t.Dispute, self._http.request("POST", f"disputes/{dispute_id}/withdraw/",
                                                  idempotency_key=idempotency_key))

    def escalate_dispute(self, dispute_id: str, *, idempotency_key: str | None = None) -> t.Dispute:
        return cast(t.Dispute, self._http.request("POST", f"disputes/{dispute_id}/escalate/",
                                                  idempotency_key=idempotency_key))

    def resolve_dispute(self, dispute_id: str, *, outcome: str, reason: str, contractor_amount_cents: int | None = None,
                        idempotency_key: str | None = None) -> t.Dispute:
        """Staff only; needs payments:write."""
        body = _drop_none(outcome=outcome, reason=reason, contractor_amount_cents=contractor_amount_cents)
        return cast(t.Dispute, self._http.request("POST", f"disputes/{dispute_id}/resolve/", json_body=body,
                                                  idempotency_key=idempotency_key))

    # --- reviews and directory -------------------------------------------------------------
    def review_contract(self, contract_id: str, *, rating: int, body: str, idempotency_key: str | None = None) -> t.Review:
        return cast(t.Review, self._http.request("POST", f"contracts/{contract_id}/reviews/", idempotency_key=idempotency_key,
                                                 json_body={"rating": rating, "body": body}))

    def user_reviews(self, user_id: str) -> Iterator[t.Review]:
        return self._http.paginate(f"users/{user_id}/reviews/")

    def contractors(self, *, category: str | None = None, zip: str | None = None,  # noqa: A002
                    radius_miles: int | None = None, min_rating: float | None = None) -> Iterator[t.JSON]:
        return self._http.paginate("contractors/", _drop_none(category=category, zip=zip, radius_miles=radius_miles,
                                                              min_rating=min_rating))

    def contractor(self, user_id: str) -> t.JSON:
        return cast(t.JSON, self._http.request("GET", f"contractors/{user_id}/"))

    # --- moderation ------------------------------------------------------------------------
    def report(self, target_kind: str, target_id: str, *, reason: str, details: str = "",
               idempotency_key: str | None = None) -> t.JSON:
        """Report a profile, job, question, review or message to the moderators (one open report
        per target: a repeat returns the same report)."""
        return cast(t.JSON, self._http.request("POST", "reports/", idempotency_key=idempotency_key, json_body={
            "target_kind": target_kind, "target_id": target_id, "reason": reason, "details": details}))

    # --- notifications ---------------------------------------------------------------------
    def notifications(self) -> Iterator[t.JSON]:
        return self._http.paginate("notifications/")

    def mark_notification_read(self, notification_id: str, *, idempotency_key: str | None = None) -> t.JSON:
        return self._http.request("POST", f"notifications/{notification_id}/read/", idempotency_key=idempotency_key)

    def mark_all_notifications_read(self, *, idempotency_key: str | None = None) -> t.JSON:
        return self._http.request("POST", "notifications/read-all/", idempotency_key=idempotency_key)

    # --- webhooks --------------------------------------------------------------------------
    def webhook_event_types(self) -> list[t.JSON]:
        return cast(list[t.JSON], self._http.request("GET", "webhook-event-types/"))

    def webhook_endpoints(self) -> Iterator[t.WebhookEndpoint]:
        return self._http.paginate("webhook-endpoints/")

    def create_webhook_endpoint(self, url: str, event_types: list[str], *, description: str = "",
                                idempotency_key: str | None = None) -> t.WebhookEndpoint:
        """The answer carries `secret` (whsec_...) this once: store it for verify_webhook."""
        body = {"url": url, "event_types": event_types, "description": description}
        return cast(t.WebhookEndpoint, self._http.request("POST", "webhook-endpoints/", json_body=body,
                                                          idempotency_key=idempotency_key))

    def webhook_endpoint(self, endpoint_id: str) -> t.WebhookEndpoint:
        return cast(t.WebhookEndpoint, self._http.request("GET", f"webhook-endpoints/{endpoint_id}/"))

    def update_webhook_endpoint(self, endpoint_id: str, *, idempotency_key: str | None = None,
                                **fields: Any) -> t.WebhookEndpoint:
        """fields: url, event_types, description, is_enabled."""
        return cast(t.WebhookEndpoint, self._http.request("PATCH", f"webhook-endpoints/{endpoint_id}/", json_body=fields,
                                                          idempotency_key=idempotency_key))

    def delete_webhook_endpoint(self, endpoint_id: str) -> None:
        self._http.request("DELETE", f"webhook-endpoints/{endpoint_id}/")

    def rotate_webhook_secret(self, endpoint_id: str, *, idempotency_key: str | None = None) -> t.WebhookEndpoint:
        """A new `secret`; the old one keeps signing too for 24 hours."""
        return cast(t.WebhookEndpoint, self._http.request("POST", f"webhook-endpoints/{endpoint_id}/rotate-secret/",
                                                          idempotency_key=idempotency_key))

    def webhook_messages(self, endpoint_id: str) -> Iterator[t.JSON]:
        return self._http.paginate(f"webhook-endpoints/{endpoint_id}/messages/")

    def resend_webhook_message(self, message_id: str, *, idempotency_key: str | None = None) -> t.JSON:
        return self._http.request("POST", f"webhook-messages/{message_id}/resend/", idempotency_key=idempotency_key)
