"""Browser: a homeowner with money in escrow tries to delete the account and is told why,
with a link to the contract; once the contract completes, the deletion goes through."""

import re

import pytest

from accounts.models import User
from accounts.tests.factories import PASSWORD, ContractorFactory, HomeownerFactory
from contracts import services as contract_services
from contracts.models import Contract
from contracts.tests.factories import contract_for
from disputes.tests.helpers import fund, submit
from payments.tests.helpers import onboard

from .test_browser_account_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def funded(settings):
    settings.PAYMENT_GATEWAY = "simulated"
    homeowner = HomeownerFactory(full_name="Maria Lopez")
    contractor = ContractorFactory(full_name="Sam Builder")
    contract = contract_for(homeowner=homeowner, contractor=contractor, title="Retile the bathroom floor",
                            milestones=[("Tiles laid and grouted", 48_000)])
    onboard(contractor)
    submit(fund(contract.milestones.get(), homeowner), contractor)
    return contract


def test_deletion_refused_with_reasons_then_accepted_after_completion(page, shot, funded):
    contract, homeowner = funded, funded.homeowner
    log_in(page, homeowner, PASSWORD)
    page.goto("/settings/privacy/")
    reasons = page.locator("#erasure-blockers")
    reasons.get_by_text("You can't delete your account yet.").wait_for()
    assert "$480.00 is held in escrow on your contract for “Retile the bathroom floor”" in reasons.inner_text()
    assert page.get_by_role("button", name="Delete my account").count() == 0
    shot(page, "refused-1280")
    page.set_viewport_size({"width": 375, "height": 812})
    shot(page, "refused-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    reasons.get_by_role("link", name="Open the contract").click()
    page.wait_for_url(f"**/contracts/{contract.pk}/")

    # The homeowner approves the work: the money is released and the contract completes.
    contract_services.milestone_approve(actor=homeowner, milestone_id=contract.milestones.get().pk)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.COMPLETED

    page.goto("/settings/privacy/")
    assert page.locator("#erasure-blockers").count() == 0
    page.get_by_text("This can't be undone").wait_for()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label('Type "DELETE" to confirm').fill("DELETE")
    shot(page, "confirm-1280")
    page.set_viewport_size({"width": 375, "height": 812})
    shot(page, "confirm-375")
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_text("Your account is closed and your personal data erased.").wait_for()
    shot(page, "closed-375")
    erased = User.objects.get(pk=homeowner.pk)
    assert not erased.is_active and erased.full_name == "Former member"
    assert Contract.objects.get(pk=contract.pk).homeowner_id == erased.pk
