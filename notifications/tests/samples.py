"""Realistic context for every event, as the other apps' services pass it."""

from datetime import UTC, date, datetime

TITLE = "Replace the rotten deck boards & railing"

SAMPLES = {
    "webhook.endpoint_disabled": {"endpoint_url": "https://partner.example/hooks/ftw",
                                  "reason": "It answered 410 Gone.", "url": "/settings/webhooks/"},
    "account.security_alert": {"change": "password_changed", "tokens_revoked": "1 (Zapier)",
                               "reset_url": "http://testserver/accounts/password/reset/", "url": "/notifications/"},
    "account.data_export_ready": {"expires_at": datetime(2026, 5, 11, 4, 59, tzinfo=UTC), "url": "/settings/privacy/exports/abc:def/"},
    "bid.received": {"job_title": TITLE, "bid_count": 3, "url": "/jobs/abc/"},
    "bid.confirmation": {"job_title": TITLE, "amount_cents": 1_234_500, "estimated_days": 6, "url": "/bids/1/"},
    "job.bidding_closed": {"job_title": TITLE, "bid_count": 4, "url": "/jobs/abc/bids/"},
    "job.no_bids": {"job_title": TITLE, "url": "/jobs/abc/edit/"},
    "bid.bidding_closed": {"job_title": TITLE, "url": "/bids/1/"},
    "bid.accepted": {"job_title": TITLE, "amount_cents": 1_234_500, "homeowner_name": "Maria", "url": "/contracts/9/"},
    "bid.not_selected": {
        "job_title": TITLE, "amount_cents": 1_500_000, "lowest_cents": 980_000, "median_cents": 1_234_500,
        "highest_cents": 1_650_050, "bid_count": 5, "url": "/jobs/",
    },
    "milestone.funded": {"job_title": TITLE, "milestone_title": "Demolition and framing", "amount_cents": 400_000,
                         "url": "/contracts/9/"},
    "payment.receipt": {
        "job_title": TITLE, "milestone_title": "Demolition and framing", "amount_cents": 400_000,
        "fee_cents": 20_000, "total_cents": 420_000, "receipt_number": "FTW-2026-00042",
        "paid_at": datetime(2026, 5, 4, 15, 30, tzinfo=UTC), "url": "/contracts/9/",
    },
    "milestone.submitted": {
        "job_title": TITLE, "milestone_title": "Demolition and framing", "amount_cents": 400_000,
        "contractor_name": "Hill Country Decks LLC", "auto_approve_at": datetime(2026, 5, 18, 15, 30, tzinfo=UTC), "url": "/contracts/9/",
    },
    "milestone.auto_approve_reminder": {
        "job_title": TITLE, "milestone_title": "Demolition and framing", "amount_cents": 400_000, "days_left": 3,
        "auto_approve_at": datetime(2026, 5, 18, 15, 30, tzinfo=UTC), "url": "/contracts/9/",
    },
    "milestone.changes_requested": {
        "job_title": TITLE, "milestone_title": "Demolition and framing",
        "note": "Two boards near the stairs still flex; please add blocking.", "url": "/contracts/9/",
    },
    "milestone.released": {
        "job_title": TITLE, "milestone_title": "Demolition and framing", "amount_cents": 400_000,
        "contractor_name": "Hill Country Decks LLC", "url": "/contracts/9/",
    },
    "milestone.escrow_returned": {
        "job_title": TITLE, "milestone_title": "Demolition and framing", "amount_cents": 400_000,
        "escrow_left_cents": 0, "closed": "yes", "url": "/contracts/9/",
        "cause": "The homeowner's bank returned this payment to the homeowner.",
    },
    "payout.sent": {"job_title": TITLE, "milestone_title": "Demolition and framing", "amount_cents": 400_000,
                    "url": "/payouts/"},
    "payout.onboarding_needed": {"job_title": TITLE, "amount_cents": 400_000, "url": "/payouts/"},
    "dispute.opened": {
        "job_title": TITLE, "milestone_title": "Demolition and framing", "opened_by_name": "Maria",
        "reason": "Work not as described", "response_due_at": datetime(2026, 5, 23, 4, 59, tzinfo=UTC), "requested_refund_cents": 150_000,
        "url": "/disputes/7/",
    },
    "dispute.message": {"job_title": TITLE, "author_name": "Hill Country Decks LLC",
                        "excerpt": "I can come back Tuesday to add the blocking.", "url": "/disputes/7/"},
    "dispute.offer_made": {
        "job_title": TITLE, "milestone_title": "Demolition and framing", "offered_by_name": "Hill Country Decks LLC",
        "contractor_amount_cents": 300_000, "refund_cents": 100_000, "url": "/disputes/7/",
    },
    "dispute.escalated": {"job_title": TITLE, "milestone_title": "Demolition and framing", "url": "/disputes/7/"},
    "dispute.resolved": {
        "job_title": TITLE, "milestone_title": "Demolition and framing", "outcome": "split",
        "contractor_amount_cents": 300_000, "refund_cents": 100_000, "reason": "Half the boards were re-done.",
        "url": "/disputes/7/",
    },
    "review.received": {"job_title": TITLE, "reviewer_name": "Maria", "rating": 5, "url": "/reviews/"},
    "credential.verified": {"kind": "Trade license", "expires_on": date(2027, 6, 30), "url": "/credentials/"},
    "credential.rejected": {"kind": "Liability insurance", "reason": "The certificate names a different business.",
                            "url": "/credentials/"},
    "credential.expiring": {"kind": "Liability insurance", "expires_on": date(2027, 6, 30), "days_left": 30,
                            "url": "/credentials/"},
    "credential.expires_tomorrow": {"kind": "Trade license", "expires_on": date(2027, 6, 30), "days_left": 1,
                                    "url": "/credentials/"},
    "bid.invited": {"homeowner_name": "Maria", "job_title": TITLE, "place": "Austin, TX",
                    "bidding_deadline": datetime(2027, 3, 2, 5, 59, tzinfo=UTC), "url": "/jobs/abc/"},
    "message.received": {"job_title": TITLE, "author_name": "Hill Country Decks LLC",
                         "excerpt": "Lumber arrives Tuesday; gate code still 4411?", "attachment_count": 2,
                         "url": "/contracts/9/#messages"},
    "change_order.proposed": {"job_title": TITLE, "proposed_by_name": "Hill Country Decks LLC",
                              "summary": "Add “Stain and seal”: $250.00.", "url": "/contracts/9/changes/1/"},
    "change_order.decided": {"job_title": TITLE, "decided_by_name": "Maria", "decision": "accepted",
                             "summary": "Add “Stain and seal”: $250.00.", "version": 2,
                             "url": "/contracts/9/changes/1/"},
}

# Strings that prove the money in the context made it into the words, formatted.
MONEY = {
    "bid.confirmation": ["$12,345.00"],
    "bid.accepted": ["$12,345.00"],
    "bid.not_selected": ["$9,800.00", "$12,345.00", "$16,500.50", "$15,000.00"],
    "milestone.funded": ["$4,000.00"],
    "payment.receipt": ["$4,000.00", "$200.00", "$4,200.00", "FTW-2026-00042"],
    "milestone.submitted": ["$4,000.00", "May 18, 2026"],
    "milestone.auto_approve_reminder": ["$4,000.00", "May 18, 2026"],
    "milestone.released": ["$4,000.00"],
    "milestone.escrow_returned": ["$4,000.00"],
    "payout.sent": ["$4,000.00"],
    "payout.onboarding_needed": ["$4,000.00"],
    "dispute.opened": ["$1,500.00", "May 23, 2026"],
    "dispute.offer_made": ["$3,000.00", "$1,000.00"],
    "dispute.resolved": ["$3,000.00", "$1,000.00"],
    "change_order.proposed": ["$250.00"],
    "change_order.decided": ["$250.00"],
}
