from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import ContractorFactory
from bids.models import Bid, BidMilestone
from jobs.tests.factories import JobFactory


class BidFactory(factory.django.DjangoModelFactory):
    """An active bid with one milestone of the whole amount (milestones=[(title, cents), ...] to change)."""

    class Meta:
        model = Bid
        skip_postgeneration_save = True

    job = factory.SubFactory(JobFactory)
    contractor = factory.SubFactory(ContractorFactory)
    amount_cents = 45_000
    estimated_days = 3
    proposed_start = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    message = "Licensed and insured; can start within two weeks."
    status = Bid.Status.ACTIVE

    @factory.post_generation
    def milestones(self, create, extracted, **kwargs):
        if not create:
            return
        rows = extracted or [("Complete the work", self.amount_cents)]
        BidMilestone.objects.bulk_create(
            BidMilestone(bid=self, position=i, title=title, amount_cents=cents) for i, (title, cents) in enumerate(rows, 1)
        )
