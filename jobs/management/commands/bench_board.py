"""Measure the job board: server time (median of N requests) and query count.

    python manage.py bench_board --jobs 10000 --requests 50
    python manage.py bench_board --jobs 0 --requests 200     # on seed_scale's data

Seeds open jobs (bulk, marked with a "[bench]" title prefix) until --jobs of them exist,
then requests the board, search, radius, a job page, a contract page, the dashboard and the
API through Django's test client: median, p95, p99 server time, the median CPU time of the
Django process (less sensitive than wall time to a machine busy with other work; the
database's own CPU is not in it) and the query count. Meant for a
throwaway PostgreSQL database; `--clean` removes the seeded rows afterwards.
"""

import random
import statistics
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ContractorProfile, User
from core.cache import invalidate_pages
from core.geo import _index
from jobs.models import Category, Job
from jobs.search import refresh_search_vector

PREFIX = "[bench]"
WORDS = ["water heater", "roof leak", "deck repair", "rewire kitchen", "paint exterior", "tile shower",
         "fence gate", "AC tune-up", "hardwood floors", "drywall patch", "window replacement", "sprinkler"]


def _make_cold(job):
    invalidate_pages("jobs")  # the board's pages
    if job is not None:
        invalidate_pages(f"jobs:{job.pk}")  # the job page has a version of its own


class Command(BaseCommand):
    help = "Seed N open jobs and time the job board (median server time, query count)."

    def add_arguments(self, parser):
        parser.add_argument("--jobs", type=int, default=10_000,
                            help="Seed bench jobs until this many exist; 0 measures the data as it is (seed_scale).")
        parser.add_argument("--requests", type=int, default=50)
        parser.add_argument("--clean", action="store_true", help="Delete the seeded rows at the end.")

    def handle(self, *args, **options):
        from contracts.models import Contract

        owner, contractor = self._users()
        if options["jobs"]:
            self._seed(owner, options["jobs"])
        client = Client()
        job = Job.objects.filter(status=Job.Status.OPEN).order_by("-published_at").first()
        contract = Contract.objects.filter(status="active").order_by("created_at").first()
        party = contract.homeowner if contract else owner
        near = User.objects.filter(email__startswith="lt-contractor-").order_by("email").first() or contractor
        # (label, who, url, page cache): "cold" invalidates the shared pages (anonymous HTML,
        # the API's open-jobs listing) before every request, so the figure is the server's own
        # work; "cached" is what most anonymous visitors and partners get.
        shapes = [
            ("board, anonymous, cold", None, "/jobs/", "cold"),
            ("board, anonymous, cached", None, "/jobs/", "cached"),
            ("board, contractor near-me", near, "/jobs/", None),
            ("full-text search, cold", None, "/jobs/?q=water+heater", "cold"),
            ("25 mi of 78701, nearest, cold", None, "/jobs/?zip=78701&radius=25&sort=distance", "cold"),
            ("job page, anonymous, cold", None, f"/jobs/{job.pk}/" if job else None, "cold"),
            ("job page, contractor", near, f"/jobs/{job.pk}/" if job else None, None),
            ("contract page, homeowner", party, f"/contracts/{contract.pk}/" if contract else None, None),
            ("dashboard, homeowner", party, "/dashboard/", None),
            ("dashboard, contractor", near, "/dashboard/", None),
            ("API GET /api/v1/jobs/, cold", None, "/api/v1/jobs/", "cold"),
            ("API GET /api/v1/jobs/, shared", None, "/api/v1/jobs/", "cached"),
        ]
        total = Job.objects.filter(status=Job.Status.OPEN).count()
        self.stdout.write(f"{connection.vendor}: {total} open jobs; {options['requests']} requests per shape")
        for label, user, url, mode in shapes:
            if url is None:
                self.stdout.write(f"  {label:<32} skipped (no such row: run seed_scale)")
                continue
            if user is not None:
                client.force_login(user)
            else:
                client.logout()
            client.get(url)  # warm caches and the connection
            times, cpu = [], []
            for _ in range(options["requests"]):
                if mode == "cold":
                    _make_cold(job)
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
                if response.status_code != 200:  # not an assert: `python -O` would skip it
                    raise CommandError(f"{url} answered {response.status_code}")
            if mode == "cold":
                _make_cold(job)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            times.sort()
            self.stdout.write(
                f"  {label:<32} median {statistics.median(times):7.1f} ms  p95 {times[int(len(times) * .95) - 1]:7.1f} ms"
                f"  p99 {times[max(int(len(times) * .99) - 1, 0)]:7.1f} ms  app CPU median {statistics.median(cpu):6.1f} ms"
                f"  queries {len(queries)}"
            )
        if options["clean"]:
            Job.objects.filter(title__startswith=PREFIX).delete()
            User.objects.filter(email__in=["bench-owner@bench.test", "bench-contractor@bench.test"]).delete()

    def _users(self):
        owner, _ = User.objects.get_or_create(email="bench-owner@bench.test", defaults={"full_name": "Bench Owner"})
        contractor, _ = User.objects.get_or_create(
            email="bench-contractor@bench.test", defaults={"full_name": "Bench Contractor", "role": "contractor"}
        )
        profile, _ = ContractorProfile.objects.get_or_create(
            user=contractor, defaults={"business_name": "Bench Builders", "zip_code": "78701", "service_radius_miles": 30}
        )
        profile.trades.set(Category.objects.filter(slug__in=["plumbing", "hvac"]))
        return owner, contractor

    def _seed(self, owner, wanted):
        have = Job.objects.filter(title__startswith=PREFIX, status=Job.Status.OPEN).count()
        if have >= wanted:
            return
        rng = random.Random(42)  # reproducible benchmark data, not security  # nosec B311
        places = list(_index().values())
        austin = [p for p in places if p.zip_code.startswith("787")]
        categories = list(Category.objects.all())
        now, today = timezone.now(), timezone.localdate()
        rows = []
        for i in range(have, wanted):
            place = rng.choice(austin if rng.random() < 0.3 else places)
            low = rng.randrange(100, 20_000) * 100
            words = rng.choice(WORDS)
            rows.append(Job(
                homeowner=owner, title=f"{PREFIX} {words.capitalize()} #{i}",
                description=f"Need help with {words}. Details about the house, access and materials go here.",
                category=rng.choice(categories), zip_code=place.zip_code, city=place.city.title(), state=place.state,
                latitude=place.latitude, longitude=place.longitude, budget_min_cents=low,
                budget_max_cents=low + rng.randrange(0, 10_000) * 100, desired_start=today + timedelta(days=20),
                bidding_deadline=now + timedelta(days=rng.randrange(1, 30)), status=Job.Status.OPEN,
                published_at=now - timedelta(minutes=i),
            ))
        with transaction.atomic():
            Job.objects.bulk_create(rows, batch_size=2000)
            refresh_search_vector(Job.objects.filter(title__startswith=PREFIX))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE jobs_job")
        self.stdout.write(f"seeded {wanted - have} jobs")
