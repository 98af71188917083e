"""Turn layout-free records into the dataset's GeoDataFrames (EPSG:4326)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from cablemap.dataset.records import RawData

CRS = "EPSG:4326"


def cables_table(raw: RawData) -> gpd.GeoDataFrame:
    """One row per cable, with its drawn route as a MultiLineString."""
    rows = {
        "id": [c.id for c in raw.cables],
        "name": [c.name for c in raw.cables],
        "owners": [list(c.owners) for c in raw.cables],
        "suppliers": [list(c.suppliers) for c in raw.cables],
        "rfs_year": pd.array([c.rfs_year for c in raw.cables], dtype="Int64"),
        "planned": [c.planned for c in raw.cables],
        "length_km": pd.array([c.length_km for c in raw.cables], dtype="Float64"),
        "url": [c.url for c in raw.cables],
        "notes": [c.notes for c in raw.cables],
    }
    return gpd.GeoDataFrame(rows, geometry=_multilines(raw), crs=CRS)


def _multilines(raw: RawData) -> np.ndarray:
    """Build every cable's MultiLineString at once (vectorised shapely constructors)."""
    lines = [raw.lines[c.id] for c in raw.cables]
    per_cable = np.array([len(parts) for parts in lines], dtype=np.intp)
    flat = [line for parts in lines for line in parts]
    if not flat:
        return np.empty(0, dtype=object)
    coords = np.concatenate(flat)
    line_index = np.repeat(np.arange(len(flat)), [len(line) for line in flat])
    linestrings = shapely.linestrings(coords, indices=line_index)
    return shapely.multilinestrings(
        linestrings, indices=np.repeat(np.arange(len(lines)), per_cable)
    )


def stations_table(raw: RawData) -> gpd.GeoDataFrame:
    """One row per landing station, with its ISO country and its Point."""
    s = raw.stations
    rows = {
        "id": [x.id for x in s],
        "name": [x.name for x in s],
        "city": [x.city for x in s],
        "country_iso2": [x.iso2 for x in s],
        "country_iso3": [x.iso3 for x in s],
        "country_name": [x.country_name for x in s],
        "country_label": [x.country_label for x in s],
        "subdivision": [x.subdivision for x in s],
        "is_tbd": [x.is_tbd for x in s],
    }
    geometry = shapely.points([x.lon for x in s], [x.lat for x in s])
    return gpd.GeoDataFrame(rows, geometry=geometry, crs=CRS)


def landings_table(raw: RawData) -> pd.DataFrame:
    """One row per (cable, landing station) pair."""
    pairs = [(c.id, station_id) for c in raw.cables for station_id in c.landing_ids]
    return pd.DataFrame(pairs, columns=["cable_id", "station_id"])
