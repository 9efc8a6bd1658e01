"""Demo jobs for `make run` (seed_demo): a realistic spread of open jobs around Austin, TX.

Created through the services (so city, coordinates and search vectors are real).
Idempotent: a job is identified by its homeowner and title and never created twice.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from . import services
from .models import Category, Job
from .rules import end_of_day

# (homeowner, title, trade, zip, budget min $, budget max $, days until deadline, description)
OPEN_JOBS = [
    ("homeowner@demo.test", "Replace 50-gallon gas water heater", "plumbing", "78701", 1400, 2400, 9,
     "Our 12-year-old gas water heater in the garage is leaking at the base. Need removal of the old unit, a new 50-gallon tank, new flex lines and a code-compliant expansion tank."),
    ("homeowner@demo.test", "Fix low water pressure in upstairs bathroom", "plumbing", "78701", 200, 600, 6,
     "Shower and sink upstairs have weak pressure since last winter; downstairs is fine. Suspect a partially closed valve or mineral build-up. House built 1998, copper pipes."),
    ("homeowner@demo.test", "Add two exterior outlets on back patio", "electrical", "78701", 350, 900, 12,
     "Want two GFCI weatherproof outlets on the covered back patio, fed from the panel in the garage (about 40 ft run). Panel has open slots."),
    ("homeowner2@demo.test", "Replace ceiling fans in three bedrooms", "electrical", "78704", 300, 750, 8,
     "Three existing ceiling fans to swap for new ones we already bought. Ceilings are 9 ft; boxes may need to be fan-rated."),
    ("homeowner2@demo.test", "Repair hail damage on asphalt shingle roof", "roofing", "78704", 4500, 12000, 14,
     "Insurance adjuster approved repair after the spring hail storm: roughly 12 squares of architectural shingles, some flashing and two vents. Single story, 6/12 pitch."),
    ("homeowner@demo.test", "Service AC before summer and check refrigerant", "hvac", "78703", 120, 350, 5,
     "3-ton Trane split system, about 8 years old. Annual tune-up, clean the condenser coil, check refrigerant and the condensate drain that backed up last year."),
    ("homeowner2@demo.test", "Install mini-split in converted garage", "hvac", "78745", 3200, 5500, 16,
     "Garage converted to an office (about 400 sq ft, insulated). Looking for a 12k BTU ductless mini-split with heat pump, including the electrical disconnect."),
    ("homeowner@demo.test", "Build cedar fence gate and repair two sections", "carpentry", "78702", 600, 1500, 10,
     "Side-yard gate sags and no longer latches; two 8-ft fence sections leaning after a storm. Prefer cedar pickets to match existing fence."),
    ("homeowner2@demo.test", "Custom built-in bookshelves around fireplace", "carpentry", "78704", 2500, 6000, 21,
     "Paint-grade built-ins on both sides of the living room fireplace, each about 5 ft wide by 8 ft tall, lower cabinets with doors, adjustable shelves above."),
    ("homeowner@demo.test", "Paint interior of 3-bedroom house", "painting", "78705", 3500, 7000, 13,
     "Walls only (no ceilings) in three bedrooms, hallway and living room, roughly 1,600 sq ft. Some nail holes to patch. We pick Sherwin-Williams colours."),
    ("homeowner2@demo.test", "Repaint exterior trim and front door", "painting", "78741", 900, 2200, 11,
     "Peeling paint on fascia, window trim and the front door of a one-story brick house. Scrape, prime and two coats."),
    ("homeowner@demo.test", "Install luxury vinyl plank in kitchen and dining", "flooring", "78731", 2800, 5200, 15,
     "About 450 sq ft. Remove existing ceramic tile, level the slab where needed, install LVP (we supply material) and new baseboards."),
    ("homeowner2@demo.test", "Refinish original oak hardwood floors", "flooring", "78751", 2000, 4200, 18,
     "1940s bungalow, about 700 sq ft of red oak in living room and two bedrooms. Sand, stain (natural) and three coats of water-based poly."),
    ("homeowner@demo.test", "Drought-tolerant front yard redesign", "landscaping", "78746", 4000, 9000, 20,
     "Replace St. Augustine lawn (about 900 sq ft) with native plants, decomposed granite paths and drip irrigation. Open to design suggestions."),
    ("homeowner2@demo.test", "Monthly lawn care and hedge trimming", "landscaping", "78748", 150, 400, 7,
     "Quote for one visit covering mowing, edging, and trimming a 60-ft ligustrum hedge; happy to continue monthly if it goes well."),
    ("homeowner@demo.test", "Repoint brick chimney and replace cap", "masonry", "78703", 1200, 3000, 17,
     "Mortar joints crumbling on upper chimney; metal cap rusted through. Two-story house, roof access from the back."),
    ("homeowner2@demo.test", "Replace three single-pane windows", "windows-doors", "78757", 1800, 3600, 12,
     "Three original aluminum single-pane windows (36x60) to replace with double-pane vinyl, low-E. Interior and exterior trim to be finished."),
    ("homeowner@demo.test", "Install new exterior door with sidelight", "windows-doors", "78702", 1500, 3200, 19,
     "Replace warped front door with a pre-hung fiberglass door and one sidelight. We have not bought the door yet; include options."),
    ("homeowner2@demo.test", "Small bathroom remodel (tub to walk-in shower)", "general-contracting", "78704", 9000, 18000, 25,
     "Hall bathroom, about 5x8. Remove tub, build a curbless tiled shower, new vanity and toilet, exhaust fan. Permit as required."),
    ("homeowner@demo.test", "Convert screened porch into sunroom", "general-contracting", "78759", 18000, 40000, 28,
     "12x16 screened porch on a slab; want it enclosed with windows, insulated walls, a mini-split and flooring. Looking for design-build."),
    ("homeowner2@demo.test", "Hang TV, shelves and curtain rods", "handyman", "78745", 150, 400, 4,
     "Mount a 65-inch TV on drywall over studs, hang three floating shelves and curtain rods in two rooms. All hardware on hand."),
    ("homeowner@demo.test", "Fix sticking doors and caulk bathtub", "handyman", "78701", 120, 350, 6,
     "Two interior doors rub at the top after the house settled; master bathtub needs old caulk removed and re-caulked."),
    ("homeowner2@demo.test", "Replace kitchen faucet and garbage disposal", "plumbing", "78723", 300, 700, 9,
     "Swap an old faucet for a pull-down model we bought and replace a 1/2 HP disposal that hums but won't spin."),
    ("homeowner@demo.test", "Upgrade electrical panel to 200 amp", "electrical", "78757", 2500, 4500, 22,
     "Current 100A Federal Pacific panel; want a new 200A panel with permits and coordination with Austin Energy."),
]

DRAFT_JOB = ("homeowner@demo.test", "Regrout and seal backsplash", "handyman", "78701", 200, 500, 10,
             "Kitchen backsplash grout is stained and cracked in places, about 30 sq ft of 3x6 subway tile.")


def create_job(owner: User, row, *, publish: bool) -> tuple[Job, bool]:
    _, title, trade, zip_code, low, high, days, description = row
    existing = Job.objects.filter(homeowner=owner, title=title).first()
    if existing is not None:
        return existing, False
    today = timezone.localdate()
    job = services.job_create(
        actor=owner, publish=publish, title=title, description=description,
        category=Category.objects.get(slug=trade), zip_code=zip_code, address=f"{100 + len(title)} Demo Lane",
        budget_min_cents=low * 100, budget_max_cents=high * 100,
        desired_start=today + timedelta(days=days + 7), bidding_deadline=end_of_day(today + timedelta(days=days)),
    )
    return job, True


@transaction.atomic
def seed(stdout=None) -> dict:
    owners = {user.email: user for user in User.objects.filter(email__in=["homeowner@demo.test", "homeowner2@demo.test"])}
    if len(owners) < 2:
        return {"created": 0}  # accounts.demo runs first; nothing to do without it
    made = 0
    for row in OPEN_JOBS:
        _, created = create_job(owners[row[0]], row, publish=True)
        made += created
    _, created = create_job(owners[DRAFT_JOB[0]], DRAFT_JOB, publish=False)
    made += created
    if stdout:
        stdout.write(f"Demo jobs ready ({made} new, {Job.objects.filter(status='open').count()} open).")
    return {"created": made}
