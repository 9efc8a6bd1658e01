"""Shared steps for dispute tests: a real contract driven through the real money flow."""

from contracts import services as contract_services
from contracts.models import Milestone
from contracts.tests.factories import contract_for
from disputes import services
from payments.tests.helpers import fund_via_checkout, onboard
from payments.tests.images import png_upload


def make_contract(homeowner, contractor, milestones=None):
    return contract_for(homeowner=homeowner, contractor=contractor, milestones=milestones)


def first_milestone(contract) -> Milestone:
    return contract.milestones.order_by("position").first()


def fund(milestone, homeowner, *, fake=None, deliver=None):
    """Funds a milestone (simulated gateway, or the fake Stripe with a signed webhook)."""
    if fake is not None:
        fund_via_checkout(fake, deliver, milestone, homeowner)
    else:
        contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    milestone.refresh_from_db()
    return milestone


def submit(milestone, contractor):
    contract_services.milestone_submit(actor=contractor, milestone_id=milestone.pk, notes="Done, photos attached.",
                          files=[png_upload()])
    milestone.refresh_from_db()
    return milestone


def open_on(milestone, actor, **kwargs):
    kwargs.setdefault("reason", "quality")
    kwargs.setdefault("description", "The tiles are cracked in three places.")
    kwargs.setdefault("requested_refund_cents", 10_000)
    return services.dispute_open(actor=actor, milestone_id=milestone.pk, **kwargs)


def disputed(contract, *, submitted=True, fake=None, deliver=None, opener=None, onboarded=True):
    """A funded (and by default submitted) first milestone with a dispute open by the homeowner."""
    milestone = fund(first_milestone(contract), contract.homeowner, fake=fake, deliver=deliver)
    if onboarded:
        onboard(contract.contractor, fake)
    if submitted:
        submit(milestone, contract.contractor)
    return open_on(milestone, opener or contract.homeowner)
