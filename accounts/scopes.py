"""API token scopes (API.md: Scopes): the catalogue, each role's defaults, and the one table
that says which scope every /api/v1/ route needs.

A token carries a list of scopes; a call outside them is 403 `insufficient_scope` naming the
scope. Scopes only narrow a token: the user's own permissions (selectors, services) still
apply on top. Browser sessions are not scoped. A route missing from ROUTE_SCOPES is refused
to every token (fail closed), and a test checks that every route is listed.
"""

JOBS_READ = "jobs:read"
JOBS_WRITE = "jobs:write"
BIDS_READ = "bids:read"
BIDS_WRITE = "bids:write"
CONTRACTS_READ = "contracts:read"
CONTRACTS_WRITE = "contracts:write"
PAYMENTS_WRITE = "payments:write"
WEBHOOKS_MANAGE = "webhooks:manage"
ACCOUNT_READ = "account:read"
ACCOUNT_WRITE = "account:write"

SCOPES: dict[str, str] = {
    JOBS_READ: "Read jobs, photos and questions (your own jobs in any status with mine=true); invitations to bid.",
    JOBS_WRITE: "Post, edit, publish, close and cancel jobs; add photos; ask and answer questions; invite contractors.",
    BIDS_READ: "Read bids and bid summaries you may see.",
    BIDS_WRITE: "Place, revise and withdraw bids.",
    CONTRACTS_READ: "Read contracts, their payments, disputes and messages.",
    CONTRACTS_WRITE: "Hire a bid, cancel a contract, submit or send back work, open and argue disputes, review.",
    PAYMENTS_WRITE: "Move money: fund and approve milestones, accept a settlement offer, resolve a dispute (staff). Off unless chosen.",
    WEBHOOKS_MANAGE: "Register, change, rotate and delete webhook endpoints; read and resend deliveries.",
    ACCOUNT_READ: "Read your profile, tokens, notifications and payout status.",
    ACCOUNT_WRITE: "Verify a phone, revoke tokens, mark notifications read, get a payout onboarding link, "
                   "report content to the moderators.",
}
ALL_SCOPES = tuple(SCOPES)
# Money-moving scopes are never granted by default: a token must be created with them.
OPT_IN_SCOPES = frozenset({PAYMENTS_WRITE})

_COMMON = (CONTRACTS_READ, CONTRACTS_WRITE, WEBHOOKS_MANAGE, ACCOUNT_READ, ACCOUNT_WRITE, JOBS_READ, BIDS_READ)
ROLE_SCOPES: dict[str, tuple[str, ...]] = {
    "homeowner": (*_COMMON, JOBS_WRITE, PAYMENTS_WRITE),
    "contractor": (*_COMMON, JOBS_WRITE, BIDS_WRITE, PAYMENTS_WRITE),
}


def role_scopes(role: str, *, staff: bool = False) -> list[str]:
    """Everything the role can do: what tokens created before scopes existed keep."""
    if staff:
        return list(ALL_SCOPES)
    return [s for s in ALL_SCOPES if s in ROLE_SCOPES.get(role, ())]


def default_scopes(role: str, *, staff: bool = False) -> list[str]:
    """A new token's scopes when none are asked for: the role's, without money movement."""
    return [s for s in role_scopes(role, staff=staff) if s not in OPT_IN_SCOPES]


# route name -> {HTTP method: scope}. None: public data, no scope needed.
ROUTE_SCOPES: dict[str, dict[str, str | None]] = {
    "auth-token": {"POST": None},
    "me": {"GET": ACCOUNT_READ},
    "token-list": {"GET": ACCOUNT_READ},
    "token-revoke": {"DELETE": ACCOUNT_WRITE},
    "me-phone": {"POST": ACCOUNT_WRITE},
    "me-phone-verify": {"POST": ACCOUNT_WRITE},
    "category-list": {"GET": None},
    "job-list": {"GET": JOBS_READ, "POST": JOBS_WRITE},
    "job-detail": {"GET": JOBS_READ, "PATCH": JOBS_WRITE},
    "job-publish": {"POST": JOBS_WRITE},
    "job-close-bidding": {"POST": JOBS_WRITE},
    "job-cancel": {"POST": JOBS_WRITE},
    "job-photos": {"GET": JOBS_READ, "POST": JOBS_WRITE},
    "job-questions": {"GET": JOBS_READ, "POST": JOBS_WRITE},
    "question-answer": {"POST": JOBS_WRITE},
    "job-bids": {"GET": BIDS_READ, "POST": BIDS_WRITE},
    "job-bid-summary": {"GET": BIDS_READ},
    "bid-list": {"GET": BIDS_READ},
    "bid-detail": {"GET": BIDS_READ, "PATCH": BIDS_WRITE},
    "bid-withdraw": {"POST": BIDS_WRITE},
    "bid-accept": {"POST": CONTRACTS_WRITE},
    "contract-list": {"GET": CONTRACTS_READ},
    "contract-detail": {"GET": CONTRACTS_READ},
    "contract-cancel": {"POST": CONTRACTS_WRITE},
    "milestone-fund": {"POST": PAYMENTS_WRITE},
    "milestone-submit": {"POST": CONTRACTS_WRITE},
    "milestone-approve": {"POST": PAYMENTS_WRITE},
    "milestone-request-changes": {"POST": CONTRACTS_WRITE},
    "contract-payments": {"GET": CONTRACTS_READ},
    "payouts-onboarding-link": {"POST": ACCOUNT_WRITE},
    "payouts-status": {"GET": ACCOUNT_READ},
    "milestone-disputes": {"POST": CONTRACTS_WRITE},
    "dispute-list": {"GET": CONTRACTS_READ},
    "dispute-detail": {"GET": CONTRACTS_READ},
    "dispute-messages": {"POST": CONTRACTS_WRITE},
    "dispute-offers": {"POST": CONTRACTS_WRITE},
    "dispute-withdraw": {"POST": CONTRACTS_WRITE},
    "dispute-escalate": {"POST": CONTRACTS_WRITE},
    "dispute-resolve": {"POST": PAYMENTS_WRITE},
    "offer-accept": {"POST": PAYMENTS_WRITE},
    "offer-reject": {"POST": CONTRACTS_WRITE},
    "contract-reviews": {"POST": CONTRACTS_WRITE},
    # Contract workspace: messages and change orders. A change order re-prices unfunded
    # milestones only; it moves no money, so contracts:write (funding needs payments:write).
    "contract-messages": {"GET": CONTRACTS_READ, "POST": CONTRACTS_WRITE},
    "contract-messages-read": {"POST": CONTRACTS_WRITE},
    "contract-change-orders": {"GET": CONTRACTS_READ, "POST": CONTRACTS_WRITE},
    "contract-versions": {"GET": CONTRACTS_READ},
    "change-order-detail": {"GET": CONTRACTS_READ},
    "change-order-accept": {"POST": CONTRACTS_WRITE},
    "change-order-decline": {"POST": CONTRACTS_WRITE},
    "change-order-withdraw": {"POST": CONTRACTS_WRITE},
    # Public market data, like the job board.
    "price-benchmarks": {"GET": None},
    "user-reviews": {"GET": None},
    "contractor-list": {"GET": None},
    "contractor-detail": {"GET": None},
    # Invitations to bid: a homeowner acting on their job (jobs:write); either side's list.
    "job-invitations": {"POST": JOBS_WRITE},
    "invitation-list": {"GET": JOBS_READ},
    "notification-list": {"GET": ACCOUNT_READ},
    "notification-read-all": {"POST": ACCOUNT_WRITE},
    "notification-read": {"POST": ACCOUNT_WRITE},
    "webhook-endpoint-list": {"GET": WEBHOOKS_MANAGE, "POST": WEBHOOKS_MANAGE},
    "webhook-endpoint-detail": {"GET": WEBHOOKS_MANAGE, "PATCH": WEBHOOKS_MANAGE, "DELETE": WEBHOOKS_MANAGE},
    "webhook-endpoint-rotate": {"POST": WEBHOOKS_MANAGE},
    "webhook-endpoint-messages": {"GET": WEBHOOKS_MANAGE},
    "webhook-message-resend": {"POST": WEBHOOKS_MANAGE},
    "webhook-event-types": {"GET": None},
    # Reporting is the person's own act about their use of the site, like reading notifications.
    "report-create": {"POST": ACCOUNT_WRITE},
    "api-not-found": {},
}

UNLISTED = object()


def required_scope(route_name: str | None, method: str):
    """The scope a route needs for a method, None for public data, UNLISTED if unknown."""
    if method in ("HEAD", "OPTIONS"):
        method = "GET"
    table = ROUTE_SCOPES.get(route_name or "")
    if table is None:
        return UNLISTED
    if route_name == "api-not-found" or method not in table:
        return None  # 404 / 405 answer by themselves
    return table[method]
