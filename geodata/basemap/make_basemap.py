"""Regenerate ``ne_110m_countries.geojson`` from the Natural Earth copy that pyogrio ships.

Natural Earth 1:110m admin-0 countries (public domain) reach cablemap through the
``naturalearth_lowres`` test fixture of the ``pyogrio`` package, so the basemap can be
rebuilt offline from an installed dependency. The output keeps the geometry, the name and
the ISO codes only, with coordinates rounded to 3 decimals (about 100 m, far below what
1:110m resolves).

Run from the repository root::

    python geodata/basemap/make_basemap.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pycountry
import pyogrio
import shapely

SOURCE = (
    Path(pyogrio.__file__).resolve().parent
    / "tests"
    / "fixtures"
    / "naturalearth_lowres"
    / "naturalearth_lowres.shp"
)
TARGET = Path(__file__).resolve().parent / "ne_110m_countries.geojson"
DECIMALS = 3

ISO_A3_FIXES = {"France": "FRA", "Norway": "NOR"}
"""Natural Earth writes -99 for these two (overseas parts); ISO 3166 has a code for each."""


def iso_codes(name: str, iso_a3: str) -> tuple[str | None, str | None]:
    """Return the ISO 3166 alpha-3 and alpha-2 codes of a Natural Earth country, or None."""
    code = ISO_A3_FIXES.get(name, iso_a3)
    country = pycountry.countries.get(alpha_3=code) if code and code != "-99" else None
    if country is None:
        return None, None
    return country.alpha_3, country.alpha_2


def rounded(geometry: shapely.Geometry) -> shapely.Geometry:
    """The geometry with coordinates rounded to :data:`DECIMALS`, still valid."""
    out = shapely.transform(geometry, lambda xy: np.round(xy, DECIMALS))
    return out if shapely.is_valid(out) else shapely.make_valid(out)


def main() -> None:
    """Read the fixture and write the curated GeoJSON, one feature per line."""
    frame = pyogrio.read_dataframe(SOURCE, columns=["name", "iso_a3"])
    lines = []
    for name, iso_a3, geometry in zip(frame["name"], frame["iso_a3"], frame.geometry, strict=True):
        alpha3, alpha2 = iso_codes(name, iso_a3)
        feature = {
            "type": "Feature",
            "properties": {"name": name, "iso_a3": alpha3, "iso_a2": alpha2},
            "geometry": json.loads(shapely.to_geojson(rounded(geometry))),
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    meta = {
        "source": "Natural Earth 1:110m Cultural Vectors, Admin 0 - Countries (public domain)",
        "via": f"pyogrio {pyogrio.__version__} tests/fixtures/naturalearth_lowres",
    }
    body = ",\n".join(lines)
    text = (
        '{"type":"FeatureCollection","properties":'
        + json.dumps(meta, separators=(",", ":"))
        + ',"features":[\n'
        + body
        + "\n]}\n"
    )
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET} ({len(lines)} countries, {len(text.encode()) / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
