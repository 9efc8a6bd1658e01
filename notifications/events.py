"""The event catalogue: every notification the platform sends, in one place.

For each event: who receives it (`audience`, checked at notify time), the context keys the
caller must pass (`fields`) or may pass (`optional`) -- anything else is refused, which is
what keeps sealed-bid data out of templates by construction --, the default channels, and
whether its email is essential (security and money mail cannot be switched off).

Templates, by event slug (`bid.received` -> `bid_received`):
  templates/notifications/email/<slug>.subject.txt   one line; also the in-app title
  templates/notifications/email/<slug>.txt            plain-text part (extends base.txt)
  templates/notifications/email/<slug>.html           HTML part (extends base.html)
  templates/notifications/inapp/<slug>.txt            the short in-app body
  templates/notifications/sms/<slug>.txt              only when `sms_template` is True (<= 160 GSM chars)

Every template also sees: recipient, site_name, site_url, action_url (absolute),
preferences_url, unsubscribe_url (empty for essential mail). Amounts are integer cents and
templates format them with the `money` filter.
"""

from dataclasses import dataclass, field

HOMEOWNER = "homeowner"
CONTRACTOR = "contractor"
ANYONE = "anyone"  # parties of a contract or dispute, staff, reviewers: either role

EMAIL = "email"
SMS = "sms"
CHANNELS = (EMAIL, SMS)

# The fewest live bids a job needs before anyone outside staff sees their range (lowest,
# median, highest): bids.selectors.summarize and the check in notifications.services.
BID_RANGE_MIN_COUNT = 5

# Keys every event may carry besides its own: where the notification links to.
COMMON_OPTIONAL = ("url",)


@dataclass(frozen=True)
class Event:
    key: str
    label: str
    description: str
    audience: str
    fields: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    email: bool = True  # default for the email channel
    sms: bool = False  # default for the SMS channel (only with an SMS template)
    sms_template: bool = False
    essential: bool = False  # email always sent, the preference cannot turn it off
    # In-app at once; email gathered (notifications/batching.py) so a burst is one email.
    email_batched: bool = False
    group: str = "Activity"
    # Sent by django-allauth with our restyled templates (templates/account/email/);
    # listed here so the catalogue is complete, but notify() refuses them.
    sent_by_allauth: bool = False
    allowed: frozenset = field(init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "allowed", frozenset(self.fields + self.optional + COMMON_OPTIONAL))

    @property
    def slug(self) -> str:
        return self.key.replace(".", "_")

    @property
    def sms_capable(self) -> bool:
        return self.sms_template

    def default_for(self, channel: str) -> bool:
        if channel == EMAIL:
            return self.email
        if channel == SMS:
            return self.sms_template and self.sms
        return False

    def switchable(self, channel: str) -> bool:
        if channel == EMAIL:
            return not self.essential
        return self.sms_template


_EVENTS = [
    # --- Account (allauth sends these; restyled in templates/account/email/) ----------
    Event("account.email_verification", "Email address verification", "When you sign up or add an address.",
          ANYONE, essential=True, group="Account and security", sent_by_allauth=True),
    Event("account.password_reset", "Password reset", "When someone asks to reset your password.",
          ANYONE, essential=True, group="Account and security", sent_by_allauth=True),
    # Security alerts (notifications/security.py): one event, `change` says which; always
    # emailed, never switchable, and shown in the app.
    Event("account.security_alert", "Security alerts",
          "Password or email changed, lockouts, new API tokens, sign-ins from a new browser, account closing.",
          ANYONE, fields=("change",),
          optional=("when", "tokens_revoked", "old_email", "new_email", "minutes", "token_name", "device",
                    "ip_address", "reset_url"),
          essential=True, group="Account and security"),
    Event("account.data_export_ready", "Your data is ready", "The copy of your data you asked for can be downloaded.",
          ANYONE, fields=("expires_at",), essential=True, group="Account and security"),
    # --- Jobs and bids ---------------------------------------------------------------------
    # Sealed bidding: the homeowner learns that a bid arrived and how many there are,
    # never the amount or the bidder while the job is open.
    Event("bid.received", "New bid on your job", "A contractor bid on one of your open jobs.",
          HOMEOWNER, fields=("job_title", "bid_count"), sms_template=True, group="Jobs and bids"),
    Event("bid.confirmation", "Bid confirmation", "Your bid was placed or revised.",
          CONTRACTOR, fields=("job_title", "amount_cents"), optional=("estimated_days", "revised"),
          group="Jobs and bids"),
    Event("job.bidding_closed", "Bids ready to compare", "Bidding closed on your job.",
          HOMEOWNER, fields=("job_title", "bid_count"), group="Jobs and bids"),
    Event("job.no_bids", "No bids received", "Bidding closed on your job without any bids.",
          HOMEOWNER, fields=("job_title",), group="Jobs and bids"),
    Event("bid.bidding_closed", "Bidding closed", "Bidding closed on a job you bid on; the homeowner is deciding.",
          CONTRACTOR, fields=("job_title",), group="Jobs and bids"),
    Event("bid.accepted", "Bid accepted", "A homeowner accepted your bid.",
          CONTRACTOR, fields=("job_title", "amount_cents", "homeowner_name"), sms=True, sms_template=True,
          group="Jobs and bids"),
    # After the award every live bidder learns the outcome, no names: the range of bids only
    # from BID_RANGE_MIN_COUNT bids (with 2 or 3 it gives the winner's price away), otherwise
    # their rank and how far the winning bid was from theirs, in bands.
    Event("bid.not_selected", "Bid not selected", "Another bid was chosen; you see how your bid compared.",
          CONTRACTOR, fields=("job_title", "amount_cents", "bid_count"),
          optional=("lowest_cents", "median_cents", "highest_cents", "rank", "winning_bid_band",
                    "winning_bid_band_label"), group="Jobs and bids"),
    # --- Milestones and money -------------------------------------------------------------
    Event("milestone.funded", "Milestone funded", "The homeowner paid a milestone into escrow: you can start.",
          CONTRACTOR, fields=("job_title", "milestone_title", "amount_cents"), sms=True, sms_template=True,
          group="Milestones and payments"),
    Event("payment.receipt", "Payment receipt", "Your receipt for paying a milestone into escrow.",
          HOMEOWNER, fields=("job_title", "milestone_title", "amount_cents", "fee_cents", "total_cents"),
          optional=("receipt_number", "paid_at"), essential=True, sms_template=True,
          group="Milestones and payments"),
    Event("milestone.submitted", "Completion submitted", "The contractor says a milestone is done.",
          HOMEOWNER, fields=("job_title", "milestone_title", "amount_cents", "contractor_name", "auto_approve_at"),
          sms=True, sms_template=True, group="Milestones and payments"),
    Event("milestone.auto_approve_reminder", "Auto-approve reminder",
          "Reminders 7, 3 and 1 days before a submitted milestone is approved automatically.",
          HOMEOWNER, fields=("job_title", "milestone_title", "amount_cents", "days_left", "auto_approve_at"),
          group="Milestones and payments"),
    Event("milestone.changes_requested", "Changes requested", "The homeowner asked for changes before approving.",
          CONTRACTOR, fields=("job_title", "milestone_title", "note"), group="Milestones and payments"),
    Event("milestone.released", "Milestone released", "You approved a milestone and its escrow was released.",
          HOMEOWNER, fields=("job_title", "milestone_title", "amount_cents", "contractor_name"),
          optional=("auto_approved",), essential=True, group="Milestones and payments"),
    Event("payout.sent", "Payout sent", "Money for a milestone is on its way to your bank.",
          CONTRACTOR, fields=("job_title", "milestone_title", "amount_cents"), essential=True, sms=True,
          sms_template=True, group="Milestones and payments"),
    Event("payout.onboarding_needed", "Payout setup needed",
          "Money is waiting for you but payouts are not set up yet.",
          CONTRACTOR, optional=("job_title", "amount_cents"), essential=True, group="Milestones and payments"),
    # A lost card dispute or a refund made in the Stripe dashboard took (part of) a milestone's
    # escrow back to the homeowner: both parties learn it, and whether the milestone closed.
    Event("milestone.escrow_returned", "Payment returned to the homeowner",
          "A milestone's payment went back to the homeowner through their bank or a refund.",
          ANYONE, fields=("job_title", "milestone_title", "amount_cents", "escrow_left_cents", "cause"),
          optional=("closed",), essential=True, group="Milestones and payments"),
    # --- Disputes -------------------------------------------------------------------------
    Event("dispute.opened", "Dispute opened", "The other party opened a dispute on a milestone.",
          ANYONE, fields=("job_title", "milestone_title", "opened_by_name", "reason", "response_due_at"),
          optional=("requested_refund_cents",), essential=True, sms=True, sms_template=True, group="Disputes"),
    Event("dispute.message", "New dispute message", "Someone wrote in a dispute you are part of.",
          ANYONE, fields=("job_title", "author_name", "excerpt"), group="Disputes"),
    Event("dispute.offer_made", "Settlement offer", "The other party proposed a split of the milestone.",
          ANYONE, fields=("job_title", "milestone_title", "offered_by_name", "contractor_amount_cents", "refund_cents"),
          group="Disputes"),
    Event("dispute.escalated", "Dispute escalated to mediation", "Our staff will now mediate the dispute.",
          ANYONE, fields=("job_title", "milestone_title"), optional=("staff",), group="Disputes"),
    Event("dispute.resolved", "Dispute resolved", "A dispute was settled or decided; money moves accordingly.",
          ANYONE, fields=("job_title", "milestone_title", "outcome", "contractor_amount_cents", "refund_cents"),
          optional=("reason",), essential=True, group="Disputes"),
    # --- Messages between the parties of a contract (never SMS: a chat would flood phones) ---
    Event("message.received", "New message", "The other party of a contract wrote to you (one email per burst).",
          ANYONE, fields=("job_title", "author_name", "excerpt"), optional=("attachment_count",),
          email_batched=True, group="Messages"),
    # --- Change orders -------------------------------------------------------------------
    Event("change_order.proposed", "Change proposed", "The other party proposed a change to the contract.",
          ANYONE, fields=("job_title", "proposed_by_name", "summary"), group="Contract changes"),
    Event("change_order.decided", "Change accepted or declined", "The other party answered your proposed change.",
          ANYONE, fields=("job_title", "decided_by_name", "decision", "summary"), optional=("version",),
          group="Contract changes"),
    # --- Partner API (webhooks app) -------------------------------------------------------
    Event("webhook.endpoint_disabled", "Webhook endpoint disabled",
          "We stopped sending to one of your webhook endpoints after it kept failing or answered 410 Gone.",
          ANYONE, fields=("endpoint_url", "reason"), essential=True, group="Account and security"),
    # --- Reviews --------------------------------------------------------------------------
    Event("review.received", "New review", "A review about you was published.",
          ANYONE, fields=("job_title", "reviewer_name", "rating"), group="Reviews"),
    # --- Credentials and invitations -------------------------------------------------------
    Event("credential.verified", "Credential verified", "Staff verified a license, insurance or bond you added.",
          CONTRACTOR, fields=("kind", "expires_on"), group="Credentials"),
    Event("credential.rejected", "Credential not verified", "Staff could not verify a credential, with their reason.",
          CONTRACTOR, fields=("kind", "reason"), group="Credentials"),
    Event("credential.expiring", "Credential expiring", "Reminders 30 and 7 days before a verified credential expires.",
          CONTRACTOR, fields=("kind", "expires_on", "days_left"), group="Credentials"),
    Event("credential.expires_tomorrow", "Credential expires tomorrow",
          "The last reminder, the day before a verified credential expires.",
          CONTRACTOR, fields=("kind", "expires_on", "days_left"), sms=True, sms_template=True, group="Credentials"),
    Event("bid.invited", "Invitation to bid", "A homeowner invited you to bid on their job.",
          CONTRACTOR, fields=("homeowner_name", "job_title", "place", "bidding_deadline"), group="Jobs and bids"),
    # --- Moderation (the moderation app): about the person's own account and content, so
    # always emailed. The reporter is never named, and neither amounts nor bidders appear.
    Event("moderation.content_removed", "Content removed by moderators",
          "Our moderators removed something you posted, with their reason.",
          ANYONE, fields=("kind", "reason"), optional=("title",), essential=True, group="Account and security"),
    Event("moderation.warning", "Warning from moderators", "Our moderators warned you about something you posted.",
          ANYONE, fields=("reason",), optional=("kind",), essential=True, group="Account and security"),
    Event("account.suspended", "Account suspended", "Our moderators suspended your account, with their reason.",
          ANYONE, fields=("reason", "bids_withdrawn"), optional=("jobs",), essential=True,
          group="Account and security"),
    Event("account.reinstated", "Account reinstated", "Our moderators lifted the suspension of your account.",
          ANYONE, optional=("note",), essential=True, group="Account and security"),
    # A suspended contractor's open bids are withdrawn: the homeowner learns a bid is gone and
    # how many are left, never whose or for how much.
    Event("bid.withdrawn_by_moderators", "Bid withdrawn by moderators",
          "A bid on your job was withdrawn because our moderators suspended the contractor's account.",
          HOMEOWNER, fields=("job_title", "bid_count"), group="Jobs and bids"),
]

EVENTS: dict[str, Event] = {event.key: event for event in _EVENTS}

# The one-time phone code is an SMS only, not a notification (see accounts/phone.py).
PHONE_CODE = "phone.code"


def get(key: str) -> Event:
    try:
        return EVENTS[key]
    except KeyError:
        raise ValueError(f"Unknown notification event {key!r}; see notifications/events.py.") from None


def switchable_events():
    """Events a person can tune on the preferences page, in catalogue order."""
    return [event for event in _EVENTS if not event.sent_by_allauth]
