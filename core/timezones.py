"""Time zones of people: derived from a US ZIP code, chosen from a short list in settings."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .geo import lookup_zip

# What a US homeowner or contractor can pick in settings (the ZIP code sets it first).
CHOICES = [
    ("America/New_York", "Eastern (New York)"),
    ("America/Chicago", "Central (Chicago, Austin)"),
    ("America/Denver", "Mountain (Denver)"),
    ("America/Phoenix", "Arizona (Phoenix, no daylight saving)"),
    ("America/Los_Angeles", "Pacific (Los Angeles)"),
    ("America/Anchorage", "Alaska (Anchorage)"),
    ("Pacific/Honolulu", "Hawaii (Honolulu)"),
    ("America/Puerto_Rico", "Atlantic (Puerto Rico)"),
    ("UTC", "UTC"),
]
VALID = {value for value, _ in CHOICES}


def zone_or_none(name: str):
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_for_zip(zip_code: str) -> str:
    """The IANA zone of a ZIP code from the `zipcodes` data (core.geo); "" when unknown."""
    info = lookup_zip(zip_code)
    name = info.timezone if info else ""
    return name if zone_or_none(name) is not None else ""
