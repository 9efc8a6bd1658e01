"""Six scenarios walking FairTradeWorker the way people do: pages with their CSRF tokens and
forms (read out of the HTML, as a browser would), plus the partner API.

    make loadtest USERS=500 DURATION=5m      # the whole run, report included
    locust -f loadtest/locustfile.py --host http://127.0.0.1:8800   # against a running stack

Accounts come from `manage.py seed_scale` (lt-<role>-<i>@scale.test, one per simulated
user). As on the real site, most people come back signed in: with a file of sessions from
`manage.py loadtest_sessions` (LOADTEST_SESSIONS), LOGIN_SHARE of them sign in through the
form and the rest arrive with their session cookie.

People read a page before they click the next one: every page view is followed by the
scenario's think time (`self.think()` inside a task, Locust's wait between tasks). With 500
users that makes ~125 requests/s when the site answers at once (README, Performance). Every request is named "<scenario> | <endpoint>" so the report can give figures per
scenario and per endpoint. Expected refusals (a 429 with Retry-After, a 409 when two people
raced for the same job) are counted as such, never as errors; anything else 4xx/5xx fails.
"""

import io
import json
import os
import random
import re
import time
from datetime import date, timedelta
from http.cookiejar import Cookie
from urllib.parse import urlparse

from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser
from urllib3 import encode_multipart_formdata

from loadtest.browse import UUID, AccountPool, Page

PASSWORD = "loadtest-password-2026"  # jobs/management/commands/seed_scale.py
DOMAIN = "scale.test"
ACCOUNTS = 600
SEARCHES = ["water heater", "roof", "deck", "outlets", "mini-split", "fence gate", "paint", "shower valve", "furnace"]
AUSTIN_ZIPS = ["78701", "78702", "78703", "78704", "78705", "78723", "78745", "78751", "78757", "78759"]
TRADES = ["plumbing", "electrical", "roofing", "hvac", "carpentry", "painting"]
CEILING = "/__ceiling__/"
LOGIN_SHARE = 0.1  # of the signed-in people, those who type their password on this visit


def _jpeg() -> bytes:
    """A real 64x48 JPEG (uploads are checked by content)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 120, 60)).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


PHOTO = _jpeg()
homeowners = AccountPool("lt-homeowner-{:05d}@" + DOMAIN, ACCOUNTS)
contractors = AccountPool("lt-contractor-{:05d}@" + DOMAIN, ACCOUNTS)
hirers = AccountPool("lt-homeowner-{:05d}@" + DOMAIN, ACCOUNTS)
partners = AccountPool("{:05d}", 50)


def _sessions():
    path = os.environ.get("LOADTEST_SESSIONS")
    if not path or not os.path.exists(path):
        return "", {}
    with open(path) as handle:
        data = json.load(handle)
    return data["cookie"], data["sessions"]


SESSION_COOKIE, SESSIONS = _sessions()

# Every request's start and response time, written when Locust quits, so the report can
# tell the steady state from the warm-up (the run starts with an empty cache of its own).
TIMINGS_PATH = os.environ.get("LOADTEST_TIMINGS")
_timings: list[tuple[float, float]] = []


@events.request.add_listener
def _record(response_time=None, start_time=None, **kwargs):
    if TIMINGS_PATH and response_time is not None:
        _timings.append((start_time or time.time(), response_time))


@events.quitting.add_listener
def _write_timings(**kwargs):
    if TIMINGS_PATH:
        with open(TIMINGS_PATH, "w") as handle:
            handle.write("start,response_ms\n")
            handle.writelines(f"{start:.3f},{ms:.1f}\n" for start, ms in _timings)


@events.init_command_line_parser.add_listener
def _options(parser):
    parser.add_argument("--ceiling-share", type=float, default=0.0,
                        help="Share of anonymous visits that also fetch the bare-Django ceiling page.")


class Site(FastHttpUser):
    abstract = True
    scenario = "site"
    connection_timeout = 30.0
    network_timeout = 30.0

    # --- helpers ------------------------------------------------------------------------
    def _name(self, endpoint):
        return f"{self.scenario} | {endpoint}"

    def get(self, url, endpoint, expect=(200,)):
        with self.client.get(url, name=self._name(endpoint), catch_response=True) as response:
            if response.status_code not in expect:
                response.failure(f"HTTP {response.status_code}")
                return None
            response.success()
            return Page(self.host.rstrip("/") + url if url.startswith("/") else url, response.text or "")

    def post(self, url, data, endpoint, files=None, expect=(200, 302)):
        """POST a form (multipart when files are attached); a 409 from a race is expected."""
        headers = {"Referer": self.host}
        if files:
            fields = list(data.items()) + [(name, (filename, body, "image/jpeg")) for name, filename, body in files]
            body, content_type = encode_multipart_formdata(fields)
            headers["Content-Type"] = content_type
            kwargs = {"data": body}
        else:
            kwargs = {"data": data}
        with self.client.post(url, name=self._name(endpoint), headers=headers, catch_response=True, **kwargs) as response:
            if response.status_code in expect:
                response.success()
                return Page(getattr(response, "url", None) or url, response.text or "")
            if response.status_code == 409:
                response.success()  # someone else acted first: the site said so, as designed
                return None
            response.failure(f"HTTP {response.status_code}")
            return None

    def submit(self, page, action_contains, endpoint, button=None, files=None, **changes):
        form = page.form(action_contains) if page else None
        if form is None:
            return None
        self.think()  # reading the page and filling the form
        return self.post(form.action, form.data(button=button, **changes), endpoint, files=files)

    def think(self):
        """The time a person spends reading a page before the next click."""
        self.wait()

    def login(self, email):
        page = self.get("/accounts/login/", "GET /accounts/login/")
        if page is not None:
            self.think()
            self.submit(page, "/accounts/login/", "POST /accounts/login/", login=email, password=PASSWORD)

    def sign_in(self, email):
        """Back with a session cookie, as most returning people are; or through the form."""
        key = SESSIONS.get(email)
        if key is None or random.random() < LOGIN_SHARE:
            self.login(email)
            return
        host = urlparse(self.host).hostname
        self.client.cookiejar.set_cookie(Cookie(
            version=0, name=SESSION_COOKIE, value=key, port=None, port_specified=False, domain=host,
            domain_specified=False, domain_initial_dot=False, path="/", path_specified=True, secure=False,
            expires=None, discard=True, comment=None, comment_url=None, rest={"HttpOnly": None},
        ))

    def open_job(self, page, endpoint="GET /jobs/<id>/ job page"):
        links = page.links_matching(rf"/jobs/{UUID}/$") if page else []
        if links:
            self.think()
            return self.get(random.choice(links), endpoint)
        return None


class AnonymousVisitor(Site):
    """1. Home, the board, search and filters, job pages, contractor profiles."""

    scenario, weight, wait_time = "1 anonymous", 40, between(2, 5)

    @task(3)
    def browse(self):
        self.get("/", "GET / home")
        self.think()
        board = self.get("/jobs/", "GET /jobs/ board")
        self.open_job(board)
        if random.random() < self.environment.parsed_options.ceiling_share:
            self.get(CEILING, "GET ceiling")

    @task(2)
    def search(self):
        results = self.get(f"/jobs/?q={random.choice(SEARCHES).replace(' ', '+')}", "GET /jobs/?q= search")
        self.open_job(results)

    @task(2)
    def nearby(self):
        self.get(f"/jobs/?zip={random.choice(AUSTIN_ZIPS)}&radius=25&sort=distance", "GET /jobs/?zip&radius radius")

    @task(1)
    def filters(self):
        low = random.choice([500, 1000, 5000])
        page = self.get(f"/jobs/?category={random.choice(TRADES)}&budget_min={low}&sort=deadline", "GET /jobs/?filters")
        if page and random.random() < 0.5:
            self.think()
            self.get(f"/jobs/?category={random.choice(TRADES)}&page=2", "GET /jobs/?page=2")

    @task(1)
    def contractor_profile(self):
        response = self.client.get("/api/v1/contractors/?zip=78701&radius_miles=25", name=self._name("GET /api/v1/contractors/"))
        ids = re.findall(rf'"id":\s*"({UUID})"', response.text or "")
        if ids:
            self.think()
            self.get(f"/contractors/{random.choice(ids)}/", "GET /contractors/<id>/ profile")


class ContractorFindingWork(Site):
    """2. Near-me board, job pages, asks a question, places and revises a sealed bid."""

    scenario, weight, wait_time = "2 contractor", 20, between(3, 8)

    def on_start(self):
        self.sign_in(contractors.take())

    @task(4)
    def look_for_work(self):
        board = self.get("/jobs/", "GET /jobs/ board (near me)")
        job = self.open_job(board)
        if job is not None and random.random() < 0.15:
            self.submit(job, "/questions/", "POST /jobs/<id>/questions/ ask",
                        body="Is there parking close to the house for a work van?")

    @task(2)
    def bid(self):
        board = self.get("/jobs/?sort=newest", "GET /jobs/ board")
        links = board.links_matching(rf"/jobs/{UUID}/$") if board else []
        if not links:
            return
        job_id = re.search(UUID, random.choice(links)).group(0)
        self.think()
        form_page = self.get(f"/jobs/{job_id}/bid/", "GET /jobs/<id>/bid/", expect=(200, 302))
        start = (date.today() + timedelta(days=random.randint(7, 30))).isoformat()
        self.submit(form_page, f"/jobs/{job_id}/bid/", "POST /jobs/<id>/bid/ place bid",
                    amount_cents=random.randint(5, 90) * 100, estimated_days=random.randint(2, 30),
                    proposed_start=start, message="Licensed and insured; materials included.")

    @task(1)
    def revise(self):
        mine = self.get("/bids/", "GET /bids/ my bids")
        edits = mine.links_matching(rf"/bids/{UUID}/edit/$") if mine else []
        if edits:
            url = random.choice(edits)
            self.think()
            page = self.get(url, "GET /bids/<id>/edit/")
            self.submit(page, "/edit/", "POST /bids/<id>/edit/ revise bid",
                        amount_cents=random.randint(5, 90) * 100, message="Revised: we can start earlier.")

    @task(1)
    def dashboard(self):
        self.get("/dashboard/", "GET /dashboard/")


class HomeownerPosting(Site):
    """3. Posts a job with a photo, watches the bid count, answers questions."""

    scenario, weight, wait_time = "3 homeowner posting", 10, between(5, 12)

    def on_start(self):
        self.sign_in(homeowners.take())

    @task(1)
    def post_job(self):
        page = self.get("/jobs/new/", "GET /jobs/new/")
        form = page.form("/jobs/new/") if page else None
        if form is None:
            return
        today = date.today()
        data = form.data(
            button=("action", "publish"), title=f"{random.choice(['Fix', 'Replace', 'Install'])} {random.choice(SEARCHES)}",
            category=random.choice(TRADES), zip_code=random.choice(AUSTIN_ZIPS),
            description="Looking for a licensed pro. Photos attached; flexible on the start date.",
            address="100 Congress Ave", budget_min_cents=400, budget_max_cents=1500,
            desired_start=(today + timedelta(days=20)).isoformat(), bidding_deadline=(today + timedelta(days=7)).isoformat(),
        )
        self.think()
        self.post(form.action, data, "POST /jobs/new/ post job", files=[("photos", "kitchen.jpg", PHOTO)])

    @task(3)
    def watch_and_answer(self):
        mine = self.get("/jobs/mine/", "GET /jobs/mine/")
        job = self.open_job(mine, "GET /jobs/<id>/ own job (bid count)")
        if job is not None:
            self.submit(job, "/answer/", "POST /questions/<id>/answer/",
                        answer="Yes, there is a driveway you can use.")

    @task(1)
    def dashboard(self):
        self.get("/dashboard/", "GET /dashboard/")


class HomeownerHiring(Site):
    """4. Closes bidding, compares, awards, funds a milestone (simulated gateway)."""

    scenario, weight, wait_time = "4 homeowner hiring", 5, between(5, 12)

    def on_start(self):
        self.sign_in(hirers.take())

    @task
    def hire(self):
        mine = self.get("/jobs/mine/", "GET /jobs/mine/")
        if mine is None:
            return
        compare = mine.links_matching(rf"/jobs/{UUID}/compare/$")
        if not compare:
            for link in mine.links_matching(rf"/jobs/{UUID}/$")[:3]:
                self.think()
                job = self.get(link, "GET /jobs/<id>/ own job (bid count)")
                closed = self.submit(job, "/close-bidding/", "POST /jobs/<id>/close-bidding/")
                if closed is not None:
                    compare = [link + "compare/"]
                    break
        if not compare:
            return
        self.think()
        page = self.get(compare[0], "GET /jobs/<id>/compare/")
        hire = page.links_matching(rf"/bids/{UUID}/accept/$") if page else []
        if not hire:
            return
        self.think()
        confirm = self.get(hire[0], "GET /bids/<id>/accept/")
        awarded = self.submit(confirm, "/accept/", "POST /bids/<id>/accept/ award")
        if awarded is None:
            return
        # The award lands on the new contract (or links to it): fund its first milestone.
        links = awarded.links_matching(rf"/contracts/{UUID}/$")
        if not awarded.form("/fund/") and links:
            self.think()
        detail = awarded if awarded.form("/fund/") else (
            self.get(links[0], "GET /contracts/<id>/ contract page") if links else None)
        self.submit(detail, "/fund/", "POST /milestones/<id>/fund/ fund")


class Completion(Site):
    """5. The contractor submits evidence; the homeowner approves or asks for changes; reviews."""

    scenario, weight, wait_time = "5 completion", 5, between(5, 12)

    def on_start(self):
        self.role = random.choice(["contractor", "homeowner"])
        self.sign_in((contractors if self.role == "contractor" else homeowners).take())

    def _contract(self):
        listing = self.get("/contracts/", "GET /contracts/")
        links = listing.links_matching(rf"/contracts/{UUID}/$") if listing else []
        if not links:
            return None
        self.think()
        return self.get(random.choice(links), "GET /contracts/<id>/ contract page")

    @task
    def complete(self):
        contract = self._contract()
        if contract is None:
            return
        if self.role == "contractor":
            submit = contract.links_matching(rf"/milestones/{UUID}/submit/$")
            if submit:
                self.think()
                page = self.get(submit[0], "GET /milestones/<id>/submit/")
                self.submit(page, "/submit/", "POST /milestones/<id>/submit/ evidence",
                            files=[("evidence", "done.jpg", PHOTO)], notes="All done; photos attached.")
        elif random.random() < 0.8:
            self.submit(contract, "/approve/", "POST /milestones/<id>/approve/")
        else:
            self.submit(contract, "/request-changes/", "POST /milestones/<id>/request-changes/",
                        note="Please touch up the trim by the door.")
        review = contract.links_matching(rf"/contracts/{UUID}/review/$")
        if review:
            self.think()
            page = self.get(review[0], "GET /contracts/<id>/review/")
            self.submit(page, "/review/", "POST /contracts/<id>/review/", rating=random.choice([4, 5]),
                        body="Clear communication and tidy work. Would hire again.")
        self.think()
        self.get("/dashboard/", "GET /dashboard/")


class PartnerIntegration(Site):
    """6. Token auth, paginated GETs of jobs, bids and contracts, a write or two; honours 429."""

    scenario, weight, wait_time = "6 partner", 5, between(1, 4)

    def on_start(self):
        self.token = "ftw_loadtest_" + partners.take()

    def api(self, method, url, endpoint, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        with self.client.request(method, url, name=self._name(endpoint), headers=headers,
                                 catch_response=True, **kwargs) as response:
            if response.status_code == 429:
                response.success()  # rate limited, as documented: wait as told
                time.sleep(min(float(response.headers.get("Retry-After") or 1), 30))
                return None
            if response.status_code >= 400:
                response.failure(f"HTTP {response.status_code}")
                return None
            response.success()
            return response.json() if response.text else None

    @task(4)
    def poll_jobs(self):
        url = "/api/v1/jobs/"
        for _ in range(random.randint(1, 3)):
            body = self.api("GET", url, "GET /api/v1/jobs/")
            if not body or not body.get("next"):
                break
            url = body["next"]

    @task(2)
    def poll_mine(self):
        self.api("GET", "/api/v1/contracts/", "GET /api/v1/contracts/")
        self.api("GET", "/api/v1/jobs/?mine=true", "GET /api/v1/jobs/?mine=true")

    @task(1)
    def write(self):
        today = date.today()
        self.api("POST", "/api/v1/jobs/", "POST /api/v1/jobs/ draft", json={
            "title": "Replace kitchen faucet", "category": random.choice(TRADES), "description": "Single-handle faucet.",
            "zip_code": random.choice(AUSTIN_ZIPS), "budget_min_cents": 15000, "budget_max_cents": 40000,
            "desired_start": (today + timedelta(days=14)).isoformat(),
            "bidding_deadline": (today + timedelta(days=7)).isoformat(), "publish": False,
        })


class BoardCapacity(Site):
    """Capacity phase (not in the six-scenario mix): the anonymous board as fast as it goes."""

    scenario, weight, wait_time = "capacity", 1, constant(0)

    @task
    def board(self):
        self.get("/jobs/", "GET /jobs/ board")


class CeilingCapacity(Site):
    """Capacity phase: the bare-Django ceiling page as fast as it goes, same users, same gunicorn."""

    scenario, weight, wait_time = "capacity", 1, constant(0)

    @task
    def ceiling(self):
        self.get(CEILING, "GET ceiling")


SCENARIOS = ["AnonymousVisitor", "ContractorFindingWork", "HomeownerPosting", "HomeownerHiring", "Completion",
             "PartnerIntegration"]
