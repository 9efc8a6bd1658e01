from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"

    def ready(self):
        # payments never imports contracts: the milestone owner is wired here, explicitly.
        from payments.hooks import MilestoneOwner, register_milestone_owner

        from .services.common import lock_milestone
        from .services.funding import milestone_mark_funded
        from .services.returned import milestone_escrow_returned

        register_milestone_owner(MilestoneOwner(lock_milestone=lock_milestone, milestone_funded=milestone_mark_funded,
                                                escrow_returned=milestone_escrow_returned))
