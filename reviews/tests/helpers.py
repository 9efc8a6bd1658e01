from contracts import services as contract_services
from contracts.tests.factories import contract_for
from payments.tests.helpers import onboard
from payments.tests.images import png_upload


def completed_contract(homeowner, contractor, amount=20_000):
    """A one-milestone contract funded, submitted and approved (simulated gateway)."""
    contract = contract_for(homeowner=homeowner, contractor=contractor, milestones=[("All the work", amount)])
    milestone = contract.milestones.get()
    onboard(contractor)
    contract_services.milestone_fund(actor=homeowner, milestone_id=milestone.pk)
    contract_services.milestone_submit(actor=contractor, milestone_id=milestone.pk, notes="Done.", files=[png_upload()])
    contract_services.milestone_approve(actor=homeowner, milestone_id=milestone.pk)
    contract.refresh_from_db()
    assert contract.status == "completed"
    return contract
