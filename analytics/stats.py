"""Percentiles as PostgreSQL computes them, for the places that cannot ask PostgreSQL: the
SQLite fallback and a band with one job left out (analytics.selectors.price_band)."""

import math
from decimal import ROUND_HALF_UP, Decimal


def percentile(sorted_values: list[int], p: float) -> int | None:
    """percentile_cont(p) (linear interpolation between closest ranks, in float8 arithmetic
    like PostgreSQL) rounded half away from zero like round(numeric): whole cents or seconds."""
    n = len(sorted_values)
    if n == 0:
        return None
    position = p * (n - 1)
    lower = math.floor(position)
    upper = math.ceil(position)
    first, second = float(sorted_values[lower]), float(sorted_values[upper])
    value = first + (second - first) * (position - lower)
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def quartiles(sorted_values: list[int]) -> tuple[int | None, int | None, int | None]:
    return percentile(sorted_values, 0.25), percentile(sorted_values, 0.5), percentile(sorted_values, 0.75)
