"""Validation rules of a job's terms, shared by the service (the authority), forms and serializers."""

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from core.geo import lookup_zip
from core.money import MAX_AMOUNT_CENTS, format_cents

MIN_DEADLINE_DAYS = 1
MAX_DEADLINE_DAYS = 30


def end_of_day(day: date) -> datetime:
    """A deadline picked as a date closes at the end of that day (UTC)."""
    return timezone.make_aware(datetime.combine(day, datetime.max.time().replace(microsecond=0)), UTC)


def deadline_errors(deadline: datetime | None, *, now: datetime | None = None) -> list[str]:
    if deadline is None:
        return ["Choose when bidding closes."]
    now = now or timezone.now()
    today = now.date()
    if deadline <= now:
        return ["The bidding deadline must be in the future."]
    if not (today + timedelta(days=MIN_DEADLINE_DAYS) <= deadline.date() <= today + timedelta(days=MAX_DEADLINE_DAYS)):
        return [f"Bidding must stay open between {MIN_DEADLINE_DAYS} and {MAX_DEADLINE_DAYS} days from today."]
    return []


def budget_errors(budget_min_cents, budget_max_cents) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, value in (("budget_min_cents", budget_min_cents), ("budget_max_cents", budget_max_cents)):
        if value is None:
            errors[field] = ["Enter an amount."]
        elif value <= 0:
            errors[field] = ["Must be more than zero."]
        elif value > MAX_AMOUNT_CENTS:
            errors[field] = [f"At most {format_cents(MAX_AMOUNT_CENTS)}."]
    if not errors and budget_min_cents > budget_max_cents:
        errors["budget_max_cents"] = ["The highest budget must be at least the lowest."]
    return errors


def zip_errors(zip_code: str) -> list[str]:
    zip_code = (zip_code or "").strip()
    if len(zip_code) != 5 or not zip_code.isdigit():
        return ["Enter a 5-digit US ZIP code."]
    if lookup_zip(zip_code) is None:
        return ["We don't recognise that ZIP code."]
    return []


def start_errors(desired_start: date | None) -> list[str]:
    if desired_start is None:
        return ["Choose a desired start date."]
    today = timezone.localdate()
    if desired_start < today:
        return ["The desired start cannot be in the past."]
    if desired_start > today + timedelta(days=366):
        return ["Choose a start within the next year."]
    return []
