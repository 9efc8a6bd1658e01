"""Every event type a webhook endpoint can subscribe to, and who receives it.

What each recipient gets is built in webhooks.payloads from the API's own selectors and
serializers, as that recipient: an event never tells more than GET on the same object would.
"""

EVENT_TYPES: dict[str, str] = {
    "job.published": "Your job is open for bids. To: the homeowner.",
    "job.bidding_closed": "Bidding on a job closed (deadline or early close). To: the homeowner and every live bidder.",
    "bid.received": "A bid arrived on your job. To: the homeowner; only the job id and the bid count while bids are sealed.",
    "contract.created": "A bid was hired and the contract exists. To: both parties.",
    "milestone.funded": "A milestone's money is in escrow. To: both parties.",
    "milestone.submitted": "The contractor submitted a milestone's work. To: both parties.",
    "milestone.released": "A milestone's money was released to the contractor. To: both parties.",
    "dispute.opened": "A dispute was opened on a milestone. To: both parties.",
    "dispute.resolved": "A dispute was resolved (agreement or staff decision). To: both parties.",
    "review.published": "A review became public. To: its author and the person reviewed.",
    "message.received": "Someone wrote to you in a contract's conversation. To: the recipient.",
}

# Sent by the platform itself; not subscribable, always delivered (the "Send test event" button).
TEST_EVENT = "webhook.test"
