"""The analytics app's personal data (core.privacy). The materialized views hold aggregates
keyed by contractor id only (the pseudonymised account keeps its id, the next refresh
recomputes them); what points at a person is the log of refreshes a staff member started."""

from core.privacy import Blocker

from .models import RefreshLog


def export(user) -> dict:
    return {"analytics_refreshes_started": [
        {"view": row.view, "trigger": row.get_trigger_display(), "at": row.created_at}
        for row in RefreshLog.objects.filter(actor=user).order_by("created_at")]}


def erasure_blockers(user) -> list[Blocker]:
    return []


def erase(user) -> None:
    """The refresh log is an operational record (how long each refresh took); it loses its actor."""
    RefreshLog.objects.filter(actor=user).update(actor=None)
