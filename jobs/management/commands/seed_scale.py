"""Realistic data at scale for load tests and `bench_board`.

    python manage.py seed_scale --jobs 100000

Bulk (COPY on PostgreSQL, in one transaction per run, search vectors in one UPDATE) and idempotent:
every seeded account has an `@scale.test` address; a run that finds the wanted number of
seeded jobs changes nothing, a run with a larger --jobs adds the difference as open jobs.
Meant for a dedicated PostgreSQL database (`make loadtest` uses `ftw_loadtest`).

What it writes, for --jobs N (defaults scale with N):
- N/5 contractors over real US ZIP codes (a third of them in the Austin metro, where the
  load test's contractors work), 1-3 trades, service radius 10-100 miles;
- 3N/10 homeowners; N jobs in every lifecycle state, open ones with deadlines over the next
  30 days; ~3 bids per job (one milestone each; awarded jobs' winning bid carries 1-3);
- N/10 contracts with milestones funded, submitted, released (payments and escrow rows to
  match), some disputed, double-blind reviews published on completed ones;
- the load test's accounts (`lt-homeowner-<i>`, `lt-contractor-<i>`, `lt-partner-<i>` with
  the password LOADTEST_PASSWORD, verified email and phone, partners with an API token
  `ftw_loadtest_<i>` (test data only: the secret is derivable, so never seed a real site).
"""

import random
import time
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import ApiToken, ContractorProfile, HomeownerProfile, User
from accounts.scopes import default_scopes
from accounts.tokens import hash_token
from bids.models import Bid, BidMilestone
from contracts.models import Contract, Milestone, Submission
from core.geo import _index
from core.money import fee_cents
from disputes.models import Dispute
from jobs.models import Category, Job
from jobs.search import refresh_search_vector
from payments.models import MilestoneEscrow, Payment
from reviews.models import Review

DOMAIN = "scale.test"
LOADTEST_PASSWORD = "loadtest-password-2026"  # load-test accounts; the command refuses production  # nosec B105
LOADTEST_ACCOUNTS = 600  # per role: more than the 500 simulated users of the default run
TOKEN_FORMAT = "ftw_loadtest_{:05d}"  # known tokens of load-test accounts only  # nosec B105
TITLES = {
    "plumbing": ["Replace water heater", "Fix leaking shower valve", "Repipe kitchen sink", "Install sump pump"],
    "electrical": ["Add exterior outlets", "Replace breaker panel", "Install ceiling fans", "Rewire detached garage"],
    "roofing": ["Repair hail damage", "Replace asphalt shingles", "Fix flashing around chimney", "Gutter replacement"],
    "hvac": ["AC tune-up before summer", "Install ductless mini-split", "Replace furnace", "Clean and seal ducts"],
    "carpentry": ["Build cedar fence gate", "Custom bookshelves", "Repair rotten deck boards", "Hang interior doors"],
    "painting": ["Paint interior walls", "Repaint exterior trim", "Stain backyard fence", "Cabinet refinishing"],
}
DETAILS = ["House built in {y}, single story.", "Two-story home from {y}, easy access.",
           "Materials can be bought by us.", "Flexible on dates; weekdays preferred.",
           "Please include permit costs if any.", "Photos available on request."]


def bulk_insert(objs, batch_size=5000):
    """Insert unsaved model instances. PostgreSQL: COPY (no per-row SQL, ~10x faster than
    bulk_create at this size); other databases: bulk_create. Timestamps left empty get now."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=batch_size)
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields
              if not (f.primary_key and isinstance(f, (models.AutoField, models.BigAutoField)))]
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    for obj in objs:
        for name in stamped:
            if getattr(obj, name) is None:
                setattr(obj, name, now)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    # JSON columns go through the field (a Python list would be written as an SQL array).
    prepare = [(f.attname, f.get_db_prep_value if isinstance(f, models.JSONField) else None) for f in fields]
    with connection.cursor() as cursor, cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        for obj in objs:
            copy.write_row([prep(getattr(obj, name), connection) if prep else getattr(obj, name)
                            for name, prep in prepare])


def _pick_places(rng, places, austin, n):
    return [rng.choice(austin) if rng.random() < 0.33 else rng.choice(places) for _ in range(n)]


class Command(BaseCommand):
    help = "Seed marketplace data at scale (bulk, idempotent): jobs, bids, contracts, reviews."

    def add_arguments(self, parser):
        parser.add_argument("--jobs", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        # Known passwords and tokens: never on a production database (bandit B105, issue 12).
        if settings.SETTINGS_MODULE.endswith(".production"):
            raise CommandError("seed_scale creates accounts with known passwords and tokens; it refuses production.")
        wanted = options["jobs"]
        have = Job.objects.filter(homeowner__email__endswith="@" + DOMAIN).count()
        if have >= wanted:
            self.stdout.write(f"seed_scale: {have} seeded jobs already (wanted {wanted}); nothing to do")
            return
        started = time.monotonic()
        self.rng = random.Random(options["seed"] + have)  # reproducible test data  # nosec B311
        self.now, self.today = timezone.now(), timezone.localdate()
        places = list(_index().values())
        self.places = places
        self.austin = [p for p in places if p.zip_code.startswith(("786", "787"))]
        self.categories = list(Category.objects.order_by("position"))
        self.password = make_password(LOADTEST_PASSWORD)
        with transaction.atomic():
            if have == 0:
                self._people(wanted)
                self._lifecycle(wanted)
            else:
                self._open_jobs(wanted - have, start=have)
            refresh_search_vector(Job.objects.filter(search_vector__isnull=True))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # VACUUM too: the search-vector UPDATE left a dead copy of every job, and
                # index-only scans need the visibility map (autovacuum would get there later).
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(self.style.SUCCESS(
            f"seed_scale: {Job.objects.count()} jobs, {Bid.objects.count()} bids, {Contract.objects.count()} contracts,"
            f" {User.objects.count()} users in {time.monotonic() - started:.0f} s"
        ))

    # --- people -------------------------------------------------------------------------
    def _users(self, role, count, label):
        users, emails = [], []
        for i in range(count):
            lt = i < LOADTEST_ACCOUNTS
            email = f"lt-{label}-{i:05d}@{DOMAIN}" if lt else f"{label}-{i:06d}@{DOMAIN}"
            users.append(User(
                email=email, full_name=f"{label.title()} {i}", role=role, password=self.password,
                phone=f"+1512555{i % 10000:04d}" if lt else "", phone_verified_at=self.now if lt else None,
                date_joined=self.now - timedelta(days=self.rng.randrange(1, 900)),
            ))
            emails.append(email)
        bulk_insert(users, batch_size=5000)
        bulk_insert(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], batch_size=5000
        )
        return users

    def _people(self, n_jobs):
        rng = self.rng
        self.homeowners = self._users(User.Role.HOMEOWNER, max(n_jobs * 3 // 10, 50), "homeowner")
        self.contractors = self._users(User.Role.CONTRACTOR, max(n_jobs // 5, 50), "contractor")
        partners = self._users(User.Role.HOMEOWNER, 50, "partner")
        bulk_insert(
            [HomeownerProfile(user=u, zip_code=p.zip_code)
             for u, p in zip(self.homeowners + partners, _pick_places(rng, self.places, self.austin,
                                                                       len(self.homeowners) + len(partners)), strict=False)],
            batch_size=5000,
        )
        bulk_insert([
            ApiToken(user=u, name="load test", prefix=TOKEN_FORMAT.format(i)[:10], key_hash=hash_token(TOKEN_FORMAT.format(i)),
                     scopes=default_scopes(User.Role.HOMEOWNER))
            for i, u in enumerate(partners)
        ])
        profiles = []
        for i, (user, place) in enumerate(zip(self.contractors, _pick_places(rng, self.places, self.austin,
                                                                               len(self.contractors)), strict=False)):
            if i < LOADTEST_ACCOUNTS:
                place = rng.choice(self.austin)
            profiles.append(ContractorProfile(
                user=user, business_name=f"{place.city.title()} {rng.choice(['Builders', 'Home Services', 'Pros', 'Co.'])} {i}",
                zip_code=place.zip_code, service_radius_miles=rng.choice([10, 25, 25, 50, 100]),
                license_number=f"LIC-{i:06d}", license_state=place.state,
                license_expires_on=self.today + timedelta(days=rng.randrange(30, 700)),
                insurance_expires_on=self.today + timedelta(days=rng.randrange(30, 700)),
                years_in_business=rng.randrange(0, 40),
            ))
        bulk_insert(profiles, batch_size=5000)
        through = ContractorProfile.trades.through
        bulk_insert([
            through(contractorprofile_id=p.pk, category_id=c.pk)
            for p in profiles for c in rng.sample(self.categories, rng.randint(1, min(3, len(self.categories))))
        ], batch_size=10000)

    # --- jobs, bids, contracts ------------------------------------------------------------
    def _job(self, owner, status, index):
        rng = self.rng
        category = rng.choice(self.categories)
        place = rng.choice(self.austin) if rng.random() < 0.33 else rng.choice(self.places)
        low = rng.randrange(100, 20_000) * 100
        title = rng.choice(TITLES.get(category.slug, ["Home repair"]))
        created = self.now - timedelta(minutes=rng.randrange(60, 60 * 24 * 120))
        deadline = self.now + timedelta(hours=rng.randrange(2, 30 * 24))
        if status != Job.Status.OPEN and status != Job.Status.DRAFT:
            deadline = created + timedelta(days=rng.randrange(1, 30))
        return Job(
            homeowner=owner, title=f"{title} in {place.city.title()}", category=category,
            description=f"{title}. " + " ".join(rng.sample(DETAILS, 3)).format(y=rng.randrange(1950, 2020)) + f" Ref {index}.",
            zip_code=place.zip_code, city=place.city.title(), state=place.state,
            latitude=place.latitude, longitude=place.longitude, address=f"{rng.randrange(100, 9999)} Main St",
            budget_min_cents=low, budget_max_cents=low + rng.randrange(0, 10_000) * 100,
            desired_start=self.today + timedelta(days=rng.randrange(7, 60)), bidding_deadline=deadline,
            status=status, created_at=created,
            published_at=None if status == Job.Status.DRAFT else created + timedelta(minutes=5),
            bidding_closed_at=deadline if status in (Job.Status.REVIEWING, Job.Status.AWARDED, Job.Status.COMPLETED) else None,
            awarded_at=deadline if status in (Job.Status.AWARDED, Job.Status.COMPLETED) else None,
            cancelled_at=deadline if status == Job.Status.CANCELLED else None,
        )

    def _open_jobs(self, count, start):
        owners = list(User.objects.filter(email__endswith="@" + DOMAIN, role=User.Role.HOMEOWNER)[:5000])
        jobs = [self._job(self.rng.choice(owners), Job.Status.OPEN, start + i) for i in range(count)]
        bulk_insert(jobs, batch_size=5000)

    def _lifecycle(self, n):
        rng = self.rng
        # Shares of the lifecycle; contracts (awarded + completed) are a tenth of all jobs.
        plan = [(Job.Status.OPEN, 0.68), (Job.Status.DRAFT, 0.04), (Job.Status.REVIEWING, 0.05),
                (Job.Status.CANCELLED, 0.13), (Job.Status.AWARDED, 0.07), (Job.Status.COMPLETED, 0.03)]
        statuses = []
        for status, share in plan:
            statuses += [status] * int(n * share)
        statuses += [Job.Status.OPEN] * (n - len(statuses))
        rng.shuffle(statuses)
        # The load test's homeowners own a share of open and awarded jobs, and its contractors
        # hold the awarded ones' contracts, so every scenario finds work in its own account.
        lt_homeowners, lt_contractors = self.homeowners[:LOADTEST_ACCOUNTS], self.contractors[:LOADTEST_ACCOUNTS]
        lt_share = {Job.Status.OPEN: 0.05, Job.Status.AWARDED: 0.3, Job.Status.REVIEWING: 0.2}
        jobs = []
        for i, status in enumerate(statuses):
            lt = rng.random() < lt_share.get(status, 0)
            jobs.append(self._job(rng.choice(lt_homeowners if lt else self.homeowners), status, i))
            jobs[-1].lt = lt
        bulk_insert(jobs, batch_size=5000)
        self.stdout.write(f"  {len(jobs)} jobs")

        bids, milestones, awarded = [], [], []
        for job in jobs:
            if job.status == Job.Status.DRAFT:
                continue
            count = rng.choice([0, 1, 2, 3, 3, 4, 5, 6]) if job.status != Job.Status.AWARDED else rng.randint(1, 6)
            if job.status in (Job.Status.AWARDED, Job.Status.COMPLETED):
                count = max(count, 1)
            job_bids = []
            bidders = rng.sample(self.contractors, count)
            if bidders and (job.lt or rng.random() < 0.1):
                candidate = rng.choice(lt_contractors)
                if candidate not in bidders:
                    bidders[0] = candidate
            for contractor in bidders:
                amount = rng.randrange(job.budget_min_cents, job.budget_max_cents + 100, 100)
                bid = Bid(job=job, contractor=contractor, amount_cents=amount, estimated_days=rng.randint(1, 60),
                          proposed_start=job.desired_start, message="We can do this; licensed and insured.",
                          status=Bid.Status.ACTIVE, created_at=job.published_at + timedelta(hours=rng.randint(1, 48)))
                job_bids.append(bid)
            if job.status in (Job.Status.AWARDED, Job.Status.COMPLETED):
                for bid in job_bids:
                    bid.status, bid.decided_at = Bid.Status.NOT_SELECTED, job.awarded_at
                job_bids[0].status = Bid.Status.ACCEPTED
                awarded.append((job, job_bids[0]))
            elif job.status == Job.Status.CANCELLED:
                for bid in job_bids:
                    bid.status, bid.withdrawn_at = Bid.Status.WITHDRAWN, job.cancelled_at
            bids += job_bids
        bulk_insert(bids, batch_size=5000)
        for bid in bids:
            milestones.append(BidMilestone(bid=bid, position=1, title="Complete the work", amount_cents=bid.amount_cents))
        bulk_insert(milestones, batch_size=10000)
        self.stdout.write(f"  {len(bids)} bids")
        self._contracts(awarded)

    def _contracts(self, awarded):
        rng, fee_bps = self.rng, 500
        contracts, milestones = [], []
        for job, bid in awarded:
            completed = job.status == Job.Status.COMPLETED
            contract = Contract(
                job=job, bid=bid, homeowner_id=job.homeowner_id, contractor_id=bid.contractor_id,
                total_cents=bid.amount_cents, fee_bps=fee_bps,
                status=Contract.Status.COMPLETED if completed else Contract.Status.ACTIVE,
                activated_at=job.awarded_at, completed_at=job.awarded_at + timedelta(days=20) if completed else None,
            )
            contracts.append(contract)
            parts = rng.randint(1, 3)
            share = bid.amount_cents // parts
            amounts = [share] * (parts - 1) + [bid.amount_cents - share * (parts - 1)]
            for position, amount in enumerate(amounts, start=1):
                if completed:
                    status = Milestone.Status.RELEASED
                else:
                    status = rng.choice([Milestone.Status.RELEASED, Milestone.Status.FUNDED, Milestone.Status.SUBMITTED,
                                         Milestone.Status.UNFUNDED, Milestone.Status.UNFUNDED])
                    if position == 1 and status == Milestone.Status.UNFUNDED:
                        status = Milestone.Status.FUNDED
                funded = status != Milestone.Status.UNFUNDED
                milestones.append(Milestone(
                    contract=contract, position=position, title=f"Milestone {position}", amount_cents=amount,
                    fee_cents=fee_cents(amount, fee_bps), status=status,
                    funded_at=job.awarded_at + timedelta(days=1) if funded else None,
                    submitted_at=self.now - timedelta(days=1) if status == Milestone.Status.SUBMITTED else None,
                    auto_approve_at=self.now + timedelta(days=13) if status == Milestone.Status.SUBMITTED else None,
                    released_at=job.awarded_at + timedelta(days=10) if status == Milestone.Status.RELEASED else None,
                    closed_at=job.awarded_at + timedelta(days=10) if status == Milestone.Status.RELEASED else None,
                ))
        bulk_insert(contracts, batch_size=5000)
        bulk_insert(milestones, batch_size=5000)
        self._money(milestones)
        self._disputes_and_reviews(contracts, milestones)
        self.stdout.write(f"  {len(contracts)} contracts, {len(milestones)} milestones")

    def _money(self, milestones):
        payments, escrows = [], []
        for m in milestones:
            if m.status == Milestone.Status.UNFUNDED:
                continue
            contract = m.contract
            payments.append(Payment(
                milestone=m, payer_id=contract.homeowner_id, amount_cents=m.amount_cents, fee_cents=m.fee_cents,
                total_cents=m.amount_cents + m.fee_cents, status=Payment.Status.SUCCEEDED, gateway="simulated",
                succeeded_at=m.funded_at,
            ))
            released = m.amount_cents if m.status == Milestone.Status.RELEASED else 0
            escrows.append(MilestoneEscrow(milestone=m, held_cents=m.amount_cents - released,
                                           funded_cents=m.amount_cents, released_cents=released))
        bulk_insert(payments, batch_size=5000)
        bulk_insert(escrows, batch_size=5000)
        # A submitted or released milestone always has the contractor's submission (the
        # approve and request-changes services read it).
        bulk_insert([
            Submission(milestone=m, contractor_id=m.contract.contractor_id,
                       notes="Work finished as agreed; photos attached.", created_at=m.submitted_at or m.released_at)
            for m in milestones if m.status in (Milestone.Status.SUBMITTED, Milestone.Status.RELEASED)
        ], batch_size=5000)

    def _disputes_and_reviews(self, contracts, milestones):
        rng = self.rng
        disputes = []
        candidates = [m for m in milestones if m.status == Milestone.Status.SUBMITTED]
        for m in rng.sample(candidates, min(len(candidates) // 10, 500)):
            disputes.append(Dispute(
                contract=m.contract, milestone=m, opened_by_id=m.contract.homeowner_id,
                reason=Dispute.Reason.INCOMPLETE, description="The work is not finished as agreed.",
                amount_cents=m.amount_cents, status=Dispute.Status.AWAITING_RESPONSE,
                milestone_status_before=m.status, response_due_at=self.now + timedelta(days=5),
            ))
            m.status = Milestone.Status.DISPUTED
        bulk_insert(disputes)
        Milestone.objects.bulk_update([d.milestone for d in disputes], ["status"])
        reviews = []
        for c in contracts:
            if c.status != Contract.Status.COMPLETED:
                continue
            for author, subject, role in ((c.homeowner_id, c.contractor_id, "homeowner"),
                                          (c.contractor_id, c.homeowner_id, "contractor")):
                reviews.append(Review(
                    contract=c, author_id=author, subject_id=subject, author_role=role, rating=rng.choice([3, 4, 5, 5, 5]),
                    body="Clear communication and the work was done as agreed.", status=Review.Status.PUBLISHED,
                    window_closes_at=c.completed_at + timedelta(days=14), published_at=c.completed_at + timedelta(days=2),
                ))
        bulk_insert(reviews, batch_size=5000)
        if connection.vendor == "postgresql":
            # The profile's stored aggregates, as the reviews service keeps them.
            with connection.cursor() as cursor:
                cursor.execute("""
                    UPDATE accounts_contractorprofile p SET rating_avg = r.avg, rating_count = r.n, completed_jobs = r.n
                    FROM (SELECT subject_id, AVG(rating)::numeric(3,2) avg, COUNT(*) n FROM reviews_review
                          WHERE author_role = 'homeowner' GROUP BY subject_id) r
                    WHERE p.user_id = r.subject_id""")
