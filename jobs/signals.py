"""Invalidate the anonymous page cache (core.cache) whenever what those pages show changes.

Signals rather than calls in each service: admin edits and every service path (publish,
close, award, cancel, photos, Q&A moderation) must all invalidate, and forgetting one would
serve a stale page for the cache's lifetime. Bulk `.update()` bypasses signals; the board's
pages live only PAGE_CACHE_SECONDS, which bounds staleness there.

A job joining the board (and a new photo on a card) is an addition: signed-out visitors' board
pages may go on without it for ADDITIONS_GRACE_SECONDS (core.cache.note_addition). Anything that
changes or removes what a page shows invalidates at once.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.cache import invalidate_pages, note_addition

from .models import Job, JobPhoto, Question

PAGE_CACHE = "jobs"


ADDITIONS_GRACE_SECONDS = 15  # a new job reaches signed-out visitors' board pages within this


def _stayed_a_draft(job, before) -> bool:
    """A draft is on no public page before or after this save (drafts are most of the API's
    job writes: invalidating the board for each made its cache useless under load)."""
    return before == Job.Status.DRAFT and job.status == Job.Status.DRAFT


def _joined_the_board(job, before) -> bool:
    return before != Job.Status.OPEN and job.status == Job.Status.OPEN and job.hidden_at is None


@receiver(post_save, sender=Job)
def _job_saved(sender, instance, created, **kwargs):
    before = Job.Status.DRAFT if created else getattr(instance, "_status_as_loaded", None)
    if _joined_the_board(instance, before):
        note_addition(PAGE_CACHE)  # one more job on the board: hides or changes nothing listed
        invalidate_pages(f"{PAGE_CACHE}:{instance.pk}")
    elif not _stayed_a_draft(instance, before):
        invalidate_pages(PAGE_CACHE)  # a listed job changed or left the board: at once
        invalidate_pages(f"{PAGE_CACHE}:{instance.pk}")
    instance._status_as_loaded = instance.status  # the next save of this instance compares with this one


@receiver(post_delete, sender=Job)
def _job_deleted(sender, instance, **kwargs):
    if getattr(instance, "_status_as_loaded", None) != Job.Status.DRAFT:
        invalidate_pages(PAGE_CACHE)
        invalidate_pages(f"{PAGE_CACHE}:{instance.pk}")


@receiver(post_save, sender=JobPhoto)
def _photo_saved(sender, instance, created, **kwargs):
    if created:
        note_addition(PAGE_CACHE)  # a new cover on a card can wait for the grace; the job's page cannot
    else:
        invalidate_pages(PAGE_CACHE)
    invalidate_pages(f"{PAGE_CACHE}:{instance.job_id}")


@receiver(post_delete, sender=JobPhoto)
def _photo_deleted(sender, instance, **kwargs):
    invalidate_pages(PAGE_CACHE)  # a removed photo leaves every card at once
    invalidate_pages(f"{PAGE_CACHE}:{instance.job_id}")


@receiver([post_save, post_delete], sender=Question)
def _job_page_changed(sender, instance, **kwargs):
    invalidate_pages(f"{PAGE_CACHE}:{instance.job_id}")  # Q&A shows on the job's page only
