"""The shipped Natural Earth land: the file is the documented one, codes and borders hold."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from cablemap.dataset.land import LAND_FILE, load_land
from cablemap.resources import geodata_dir

WORLD_ATLAS_SHA256 = "04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394"


def test_land_file_is_world_atlas_countries_50m_unchanged():
    digest = hashlib.sha256((geodata_dir() / LAND_FILE).read_bytes()).hexdigest()
    assert digest == WORLD_ATLAS_SHA256  # geodata/land/README.md says how to regenerate


@pytest.mark.parametrize(
    ("lon", "lat", "code"),
    [
        (-66.1, 18.4, "PR"),  # San Juan: its own feature, not the United States
        (-157.9, 21.3, "US"),  # Honolulu
        (-150.0, 61.2, "US"),  # Anchorage: Russia's Chukotka must not wrap over Alaska
        (177.5, 64.7, "RU"),  # Anadyr, east of the antimeridian cut
        (178.4, -18.1, "FJ"),  # Suva
        (114.17, 22.3, "HK"),
        (15.6, 78.2, "NO"),  # Longyearbyen: Svalbard is inside Norway's feature
        (33.3, 35.34, ""),  # Kyrenia: Northern Cyprus has no ISO code
        (45.0, 10.44, ""),  # Berbera: Somaliland has no ISO code
        (-30.0, 40.0, ""),  # open Atlantic
    ],
)
def test_points_land_in_the_right_feature(lon, lat, code):
    assert load_land().locate(np.array([lon]), np.array([lat])) == [code]


def test_land_borders_include_real_neighbours_and_not_the_antimeridian():
    neighbours = load_land().neighbours()
    for pair in [
        ("CN", "VN"),
        ("KH", "VN"),
        ("LA", "VN"),
        ("CN", "HK"),
        ("CA", "US"),
        ("MX", "US"),
    ]:
        assert pair in neighbours
    assert ("RU", "US") not in neighbours  # only the antimeridian and the sea between them
    assert not any("" in pair for pair in neighbours)
