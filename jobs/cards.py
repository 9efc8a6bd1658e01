"""Job cards on the board: the parts that are the same for every viewer, rendered once per
job version and cached, so a board page costs one cache round trip instead of twenty card
renders (with their url, money, date and truncation filters).

Only what every visitor sees goes into the cache (cover photo, title, category, place,
excerpt, budget, dates). Everything per viewer — distance from the searched ZIP, "Your
trade", "You bid" — is rendered around the cached parts by the board template, every time.

The key carries the job's `updated_at` (every `save()` moves it), the cover photo's id (a
photo change does not touch the job row) and the active time zone (the dates); a category
rename reaches the cards within CARD_SECONDS.
"""

from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe

CARD_SECONDS = 60 * 60
# The per-viewer badges go here (board.html); the template emits it exactly once.
SPLIT = "<!--viewer-->"


def _cover(job):
    photos = job.photos.all()  # prefetched by the board selector (ordered, first is the cover)
    return photos[0] if photos else None


def _key(job, cover, zone):
    stamp = job.updated_at.timestamp() if job.updated_at else 0
    return f"jobcard:1:{job.pk}:{stamp}:{cover.pk if cover else '-'}:{zone}"


def attach(jobs) -> None:
    """Set `card_head` and `card_tail` (safe HTML) on each job of a board page."""
    jobs = list(jobs)
    if not jobs:
        return
    zone = timezone.get_current_timezone_name()
    covers = {job.pk: _cover(job) for job in jobs}
    keys = {job.pk: _key(job, covers[job.pk], zone) for job in jobs}
    found = cache.get_many(list(keys.values()))
    missing = {}
    template = None
    for job in jobs:
        html = found.get(keys[job.pk])
        if html is None:
            template = template or get_template("jobs/_job_card.html")
            html = str(template.render({"job": job, "cover": covers[job.pk]}))
            missing[keys[job.pk]] = html
        head, _, tail = html.partition(SPLIT)
        job.card_head, job.card_tail = mark_safe(head), mark_safe(tail)  # noqa: S308 # nosec B308 B703 (our own template, auto-escaped when rendered)
    if missing:
        cache.set_many(missing, timeout=CARD_SECONDS)
