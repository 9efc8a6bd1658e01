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
@receiver([post_save, post_delete], sender=Question)
def _job_pages_changed(sender, **kwargs):
    invalidate_pages(PAGE_CACHE)
