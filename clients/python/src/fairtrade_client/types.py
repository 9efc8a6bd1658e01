"""Shapes of the API's objects (API.md: Objects). TypedDicts: plain dicts at run time."""

from __future__ import annotations

from typing import Any, TypedDict


class Party(TypedDict):
    id: str
    display_name: str


class Category(TypedDict):
    slug: str
    name: str


class Job(TypedDict, total=False):
    id: str
    title: str
    description: str
    category: Category
    zip_code: str
    city: str
    state: str
    address: str  # only for the owner, staff and the hired contractor
    budget_min_cents: int
    budget_max_cents: int
    currency: str
    desired_start: str
    bidding_deadline: str
    status: str
    bid_count: int | None
    photos: list[dict[str, Any]]
    created_at: str
    published_at: str | None
    homeowner: Party


class MilestoneTerms(TypedDict):
    title: str
    amount_cents: int


class Bid(TypedDict, total=False):
    id: str
    job: str
    contractor: dict[str, Any]
    amount_cents: int
    currency: str
    estimated_days: int
    proposed_start: str
    message: str
    milestones: list[MilestoneTerms]
    status: str
    created_at: str
    updated_at: str


class Milestone(TypedDict, total=False):
    id: str
    position: int
    title: str
    amount_cents: int
    fee_cents: int
    status: str
    funded_at: str | None
    submitted_at: str | None
    auto_approve_at: str | None
    released_at: str | None


class Contract(TypedDict, total=False):
    id: str
    job: str
    bid: str
    homeowner: Party
    contractor: Party
    total_cents: int
    fee_bps: int
    currency: str
    status: str
    milestones: list[Milestone]
    created_at: str


class Dispute(TypedDict, total=False):
    id: str
    contract: str
    milestone: str
    opened_by: str
    reason: str
    description: str
    requested_refund_cents: int
    status: str
    outcome: str
    contractor_amount_cents: int | None
    refund_cents: int | None
    messages: list[dict[str, Any]]
    offers: list[dict[str, Any]]
    created_at: str
    resolved_at: str | None


class Review(TypedDict, total=False):
    id: str
    contract: str
    author: Party
    subject: Party
    rating: int | None
    body: str | None
    published_at: str | None


class WebhookEndpoint(TypedDict, total=False):
    id: str
    url: str
    description: str
    event_types: list[str]
    is_enabled: bool
    disabled_reason: str
    secret: str  # only in the answers to create and rotate-secret
    created_at: str


JSON = dict[str, Any]
