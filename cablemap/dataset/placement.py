"""Where a landing station is: its ISO 3166-1 territory and ISO 3166-2 subdivision.

The data labels a station with a country name; cablemap refines it by where the station
is (``geodata/areas.toml`` says how, with sources):

- a station labelled with a sovereign but lying in one of its territories that Natural
  Earth draws apart (Puerto Rico labelled "United States", Hong Kong labelled "China")
  gets the territory's code;
- a station inside a territory box (Svalbard, Christmas Island, Cocos) likewise;
- a station inside a subdivision box of its country carries that subdivision (US-HI,
  ES-CN, PT-20, ...);
- a station whose label names no known country takes the country of the land it is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from cablemap.resources import load_geodata_toml

if TYPE_CHECKING:
    from collections.abc import Sequence


@dataclass(frozen=True)
class Placement:
    """A station's final ISO 3166-1 code, and its ISO 3166-2 subdivision (or ``None``)."""

    iso2: str
    subdivision: str | None


@dataclass(frozen=True)
class _Box:
    code: str
    parent: str
    boxes: tuple[tuple[float, float, float, float], ...]

    def contains(self, lon: float, lat: float) -> bool:
        return any(x0 <= lon <= x1 and y0 <= lat <= y1 for x0, y0, x1, y1 in self.boxes)


@cache
def _areas() -> tuple[dict[str, str], tuple[_Box, ...], tuple[_Box, ...]]:
    areas = load_geodata_toml("areas.toml")
    sovereign = {code: entry["sovereign"] for code, entry in areas["territories"].items()}
    territories = tuple(
        _Box(t["iso2"], t["labelled_as"], tuple(tuple(b) for b in t["boxes"]))
        for t in areas["territory_boxes"]
    )
    subdivisions = tuple(
        _Box(s["code"], s["country"], tuple(tuple(b) for b in s["boxes"]))
        for s in areas["subdivisions"]
    )
    return sovereign, territories, subdivisions


def place_stations(
    labels: Sequence[str | None], lons: Sequence[float], lats: Sequence[float]
) -> list[Placement | None]:
    """Place stations by label and location.

    Parameters
    ----------
    labels
        Each station's ISO alpha-2 code from its label, or ``None`` if the label names
        no known country.
    lons, lats
        The stations' coordinates (degrees).

    Returns
    -------
    list of Placement or None
        ``None`` only for a station with no known label that lies on no coded land.
    """
    import numpy as np

    from cablemap.dataset.land import load_land

    sovereign, _, _ = _areas()
    sovereigns = set(sovereign.values())
    # Only a station with no known label, or labelled with a sovereign of a territory
    # Natural Earth draws apart, needs the land lookup (the slow part of placing).
    wanted = [i for i, label in enumerate(labels) if label is None or label in sovereigns]
    located = [""] * len(labels)
    if wanted:
        found = load_land().locate(
            np.asarray([lons[i] for i in wanted], dtype=float),
            np.asarray([lats[i] for i in wanted], dtype=float),
        )
        for i, code in zip(wanted, found, strict=True):
            located[i] = code
    return [
        _place(label, float(lon), float(lat), where)
        for label, lon, lat, where in zip(labels, lons, lats, located, strict=True)
    ]


def _place(label: str | None, lon: float, lat: float, where: str) -> Placement | None:
    sovereign, territories, subdivisions = _areas()
    code = label or where or None
    if code is None:
        return None
    if where and sovereign.get(where) == code:
        code = where
    for box in territories:
        if box.parent == code and box.contains(lon, lat):
            code = box.code
    subdivision = next(
        (box.code for box in subdivisions if box.parent == code and box.contains(lon, lat)),
        None,
    )
    return Placement(code, subdivision)


def land_parent(code: str) -> str:
    """The code whose Natural Earth feature holds a territory drawn inside another one.

    Svalbard (SJ) lies in Norway's feature, Bonaire (BQ) in the Netherlands'; codes that
    have their own feature, or are unknown, are returned unchanged.
    """
    _, territories, _ = _areas()
    return next((box.parent for box in territories if box.code == code), code)
