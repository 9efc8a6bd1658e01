"""Demo bids for `make run`: sealed bids on open jobs, one job in `reviewing` with three bids
to compare, and one awarded job with its contract. Idempotent and built with the services."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from contracts import services as contract_services
from jobs import services as job_services
from jobs.demo import create_job
from jobs.models import Job

from . import services
from .models import Bid

REVIEWING_JOB = ("homeowner@demo.test", "Re-pipe guest bathroom after slab leak", "plumbing", "78701", 2500, 6000, 3,
                 "Plumber found a slab leak under the guest bath; we want the bathroom re-piped overhead in PEX and the old lines abandoned. Drywall patching included.")
AWARDED_JOB = ("homeowner@demo.test", "Replace bathroom exhaust fan and add timer switch", "electrical", "78701", 250, 700, 4,
               "Noisy, weak exhaust fan in the master bath. Replace with a quiet 110 CFM fan vented to the outside and add a countdown timer switch.")

# (contractor email, amount $, days, [(milestone title, $)], message)
REVIEWING_BIDS = [
    ("contractor@demo.test", 4200, 4, [("Materials and rough-in", 1800), ("Tie-in, pressure test and patch", 2400)],
     "Licensed master plumber. PEX-A with expansion fittings, pressure tested before we close walls. Two-year labour warranty."),
    ("contractor3@demo.test", 5100, 6, [("Demo and materials", 1500), ("Re-pipe", 2600), ("Drywall and paint", 1000)],
     "We handle plumbing, drywall and paint in-house so there is one crew and one schedule."),
    ("contractor2@demo.test", 3600, 5, [("Complete the work", 3600)],
     "Straightforward job. Price includes permit and patching; paint touch-up not included."),
]
AWARDED_BIDS = [
    ("contractor2@demo.test", 480, 1, [("Fan, duct and timer switch installed", 480)],
     "Broan 110 CFM fan, new 4-inch rigid duct to the roof jack, Lutron countdown timer."),
    ("contractor@demo.test", 620, 1, [("Complete the work", 620)], "Can do it the same week."),
]
OPEN_BIDS = [  # sealed bids from the main demo contractor on two open jobs
    ("Replace 50-gallon gas water heater", 1950, 1, [("Remove old unit, supply and install new", 1950)]),
    ("Replace kitchen faucet and garbage disposal", 450, 1, [("Complete the work", 450)]),
]


def _users():
    return {user.email: user for user in User.objects.filter(email__endswith="@demo.test")}


def _bid(contractor, job, amount, days, rows, message=""):
    existing = Bid.objects.filter(job=job, contractor=contractor).exclude(status=Bid.Status.WITHDRAWN).first()
    if existing is not None:
        return existing, False
    bid = services.bid_place(
        actor=contractor, job=job, amount_cents=amount * 100, estimated_days=days,
        proposed_start=timezone.localdate() + timedelta(days=10), message=message,
        milestones=[{"title": title, "amount_cents": cents * 100} for title, cents in rows],
    )
    return bid, True


def _job_with_bids(users, row, bids) -> tuple[Job, int]:
    job, _ = create_job(users[row[0]], row, publish=True)
    made = 0
    if job.status == Job.Status.OPEN:
        for email, amount, days, rows, message in bids:
            _, created = _bid(users[email], job, amount, days, rows, message)
            made += created
        job = job_services.job_close_bidding(actor=users[row[0]], job=job)
    return job, made


@transaction.atomic
def seed(stdout=None) -> dict:
    users = _users()
    needed = {"homeowner@demo.test", "contractor@demo.test", "contractor2@demo.test", "contractor3@demo.test"}
    if not needed <= set(users):
        return {"created": 0}
    made = 0
    _, created = _job_with_bids(users, REVIEWING_JOB, REVIEWING_BIDS)
    made += created
    awarded, created = _job_with_bids(users, AWARDED_JOB, AWARDED_BIDS)
    made += created
    if awarded.status == Job.Status.REVIEWING:
        winner = Bid.objects.get(job=awarded, contractor=users["contractor2@demo.test"])
        contract_services.bid_accept(actor=users["homeowner@demo.test"], bid=winner)
    for title, amount, days, rows in OPEN_BIDS:
        job = Job.objects.filter(title=title, status=Job.Status.OPEN).first()
        if job is not None:
            _, created = _bid(users["contractor@demo.test"], job, amount, days, rows)
            made += created
    if stdout:
        stdout.write(f"Demo bids ready ({made} new): one job to compare, one awarded with a contract.")
    return {"created": made}
