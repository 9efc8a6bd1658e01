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


@receiver([post_save, post_delete], sender=Job)
@receiver([post_save, post_delete], sender=JobPhoto)
def _board_and_job_page_changed(sender, instance, **kwargs):
    invalidate_pages(PAGE_CACHE)  # the board lists jobs with their cover photos
    invalidate_pages(f"{PAGE_CACHE}:{instance.pk if sender is Job else instance.job_id}")


@receiver([post_save, post_delete], sender=Question)
def _job_page_changed(sender, instance, **kwargs):
    invalidate_pages(f"{PAGE_CACHE}:{instance.job_id}")  # Q&A shows on the job's page only
