from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import HomeownerFactory
from jobs.models import Category, Job


def category(slug="plumbing"):
    # get_or_create: a transactional test elsewhere may have flushed the seeded trades.
    return Category.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").title()})[0]


class JobFactory(factory.django.DjangoModelFactory):
    """An open job in Austin 78701. Pass status=... for other states."""

    class Meta:
        model = Job

    homeowner = factory.SubFactory(HomeownerFactory)
    title = factory.Sequence(lambda n: f"Replace kitchen faucet #{n}")
    description = "Leaky single-handle faucet; new one is bought. Shut-off valves may need replacing."
    category = factory.LazyFunction(category)
    zip_code = "78701"
    city = "Austin"
    state = "TX"
    latitude = 30.2713
    longitude = -97.7426
    address = "100 Congress Ave"
    budget_min_cents = 20_000
    budget_max_cents = 60_000
    desired_start = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    bidding_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    status = Job.Status.OPEN
    published_at = factory.LazyFunction(timezone.now)
