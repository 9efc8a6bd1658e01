"""US ZIP codes from the `zipcodes` package's bundled data, and distances between them."""

import math
from dataclasses import dataclass
from functools import lru_cache

import zipcodes

EARTH_RADIUS_MILES = 3958.8


@dataclass(frozen=True)
class ZipInfo:
    zip_code: str
    city: str
    state: str
    latitude: float
    longitude: float
    timezone: str = ""


@lru_cache(maxsize=1)
def _index() -> dict[str, ZipInfo]:
    # zipcodes.matching() scans the whole list on every call (~1 s); one dict is ~40k rows.
    return {
        row["zip_code"]: ZipInfo(row["zip_code"], row["city"], row["state"], float(row["lat"]), float(row["long"]),
                          row.get("timezone") or "")
        for row in zipcodes.list_all()
        if row.get("lat") and row.get("long")
    }


@lru_cache(maxsize=1)
def _grid() -> dict[tuple[int, int], tuple[ZipInfo, ...]]:
    """ZIPs bucketed by whole degrees of latitude and longitude: a radius search reads the
    few cells its bounding box touches instead of all ~40k ZIPs."""
    cells: dict[tuple[int, int], list[ZipInfo]] = {}
    for info in _index().values():
        cells.setdefault((math.floor(info.latitude), math.floor(info.longitude)), []).append(info)
    return {cell: tuple(infos) for cell, infos in cells.items()}


def warm() -> None:
    """Build the ZIP tables now (~2 s). Called at WSGI import so that gunicorn's --preload
    master pays it once and every forked worker starts warm."""
    _grid()


def zips_within(lat: float, lon: float, radius_miles: float) -> dict[str, float]:
    """Every ZIP whose centroid lies within radius_miles of (lat, lon), with its distance."""
    lat_min, lat_max, lon_min, lon_max = bounding_box(lat, lon, radius_miles)
    grid, found = _grid(), {}
    for cell_lat in range(math.floor(lat_min), math.floor(lat_max) + 1):
        for cell_lon in range(math.floor(lon_min), math.floor(lon_max) + 1):
            for info in grid.get((cell_lat, cell_lon), ()):
                if lat_min <= info.latitude <= lat_max and lon_min <= info.longitude <= lon_max:
                    distance = distance_miles(lat, lon, info.latitude, info.longitude)
                    if distance <= radius_miles:
                        found[info.zip_code] = distance
    return found


def lookup_zip(zip_code: str) -> ZipInfo | None:
    return _index().get((zip_code or "").strip()[:5])


def distance_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def bounding_box(lat: float, lon: float, radius_miles: float) -> tuple[float, float, float, float]:
    """A lat/lon box around a point: an indexable pre-filter before the exact distance."""
    d_lat = radius_miles / 69.0
    d_lon = radius_miles / max(69.0 * math.cos(math.radians(lat)), 0.01)
    return lat - d_lat, lat + d_lat, lon - d_lon, lon + d_lon
