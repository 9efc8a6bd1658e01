"""Invalidate the anonymous page cache (core.cache) whenever what those pages show changes.

Signals rather than calls in each service: admin edits and every service path (publish,
close, award, cancel, photos, Q&A moderation) must all invalidate, and forgetting one would
serve a stale page for the cache's lifetime. Bulk `.update()` bypasses signals; the board's
pages live only PAGE_CACHE_SECONDS, which bounds staleness there.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.cache import invalidate_pages

from .models import Job, JobPhoto, Question

PAGE_CACHE = "jobs"


def _stayed_a_draft(job, created) -> bool:
    """A draft is on no public page before or after this save (drafts are most of the API's
    job writes: invalidating the board for each made its cache useless under load)."""
    before = Job.Status.DRAFT if created else getattr(job, "_status_as_loaded", None)
    return before == Job.Status.DRAFT and job.status == Job.Status.DRAFT


@receiver([post_save, post_delete], sender=Job)
def _job_changed(sender, instance, created=False, **kwargs):
    if not _stayed_a_draft(instance, created):
        invalidate_pages(PAGE_CACHE)  # the board lists open jobs
        invalidate_pages(f"{PAGE_CACHE}:{instance.pk}")
    instance._status_as_loaded = instance.status  # the next save of this instance compares with this one


@receiver([post_save, post_delete], sender=JobPhoto)
def _photo_changed(sender, instance, **kwargs):
    invalidate_pages(PAGE_CACHE)  # the board's cards show cover photos
    invalidate_pages(f"{PAGE_CACHE}:{instance.job_id}")


@receiver([post_save, post_delete], sender=Question)
def _job_page_changed(sender, instance, **kwargs):
    invalidate_pages(f"{PAGE_CACHE}:{instance.job_id}")  # Q&A shows on the job's page only
