"""The offline basemap: Natural Earth 1:110m countries from ``geodata/basemap``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import orjson
import shapely

from cablemap.errors import DataError
from cablemap.resources import geodata_dir

BASEMAP_FILE = "basemap/ne_110m_countries.geojson"
"""The basemap, relative to ``geodata/``."""


@dataclass(frozen=True)
class Basemap:
    """Country polygons: names, ISO alpha-2 codes (``None`` where ISO has none), shapes."""

    names: tuple[str, ...]
    iso2: tuple[str | None, ...]
    geometries: np.ndarray


@cache
def load_basemap() -> Basemap:
    """Load the Natural Earth 1:110m countries from ``geodata/basemap`` (once).

    Raises
    ------
    DataError
        If the file is missing or unreadable.
    """
    path = geodata_dir() / BASEMAP_FILE
    try:
        features = orjson.loads(path.read_bytes())["features"]
        geometries = [shapely.geometry.shape(f["geometry"]) for f in features]
        names = tuple(str(f["properties"]["name"]) for f in features)
        iso2 = tuple(f["properties"].get("iso_a2") for f in features)
    except (OSError, ValueError, KeyError, TypeError, shapely.errors.GEOSException) as exc:
        raise DataError(f"{path}: cannot read the basemap ({exc}); reinstall cablemap") from exc
    return Basemap(names, iso2, np.array(geometries, dtype=object))
