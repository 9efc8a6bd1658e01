"""The grid lookup finds exactly the ZIPs a scan of every ZIP finds (edges of cells, the
antimeridian-free US, Alaska's wide longitude cells)."""

import pytest

from core.geo import _index, distance_miles, zips_within


def _scan(lat, lon, radius):
    return {info.zip_code: distance_miles(lat, lon, info.latitude, info.longitude) for info in _index().values()
            if distance_miles(lat, lon, info.latitude, info.longitude) <= radius}


@pytest.mark.parametrize(("lat", "lon", "radius"), [
    (30.2672, -97.7431, 25),    # Austin
    (30.0, -98.0, 60),          # on a cell corner
    (40.7128, -74.0060, 5),     # Manhattan: many ZIPs in a small radius
    (61.2181, -149.9003, 100),  # Anchorage: cells are narrow in miles this far north
    (25.7617, -80.1918, 1),
])
def test_grid_matches_a_full_scan(lat, lon, radius):
    found = zips_within(lat, lon, radius)
    assert found.keys() == _scan(lat, lon, radius).keys()
    assert found  # every case above has ZIPs in range
