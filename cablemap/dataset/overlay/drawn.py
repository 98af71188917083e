"""An overlay's GeoJSON file: published or hand-drawn routes of the cables it adds.

Each feature is a LineString or MultiLineString with ``properties.id``, the cable id of
an ``add-cable`` record. Positions are checked (numbers, -180..180, -90..90) and capped.
"""

from __future__ import annotations

import math
from typing import Any

from cablemap.dataset.overlay.fields import SLUG
from cablemap.dataset.overlay.parse import OverlayError

MAX_POSITIONS = 200_000
"""Most positions read from one overlay's GeoJSON file."""

Lines = tuple[tuple[tuple[float, float], ...], ...]


def read_drawn(content: bytes, name: str) -> dict[str, Lines]:
    """The drawn lines of each cable id in an overlay's GeoJSON file.

    Raises
    ------
    OverlayError
        Not JSON, not a FeatureCollection, or a feature with no id or bad positions
        (naming the file and the feature's number).
    """
    import orjson

    try:
        document = orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise OverlayError(f"{name}:1: malformed JSON ({str(exc)[:120]})") from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise OverlayError(f"{name}:1: not a GeoJSON FeatureCollection")
    drawn: dict[str, list[tuple[tuple[float, float], ...]]] = {}
    budget = [MAX_POSITIONS]
    for number, feature in enumerate(features, start=1):
        where = f"{name}: feature {number}"
        props = feature.get("properties") if isinstance(feature, dict) else None
        cable_id = props.get("id") if isinstance(props, dict) else None
        if not isinstance(cable_id, str) or not SLUG.fullmatch(cable_id):
            raise OverlayError(f"{where}: properties.id must be the cable id of a record")
        geometry = feature.get("geometry")
        drawn.setdefault(cable_id, []).extend(_lines(geometry, where, budget))
    return {k: tuple(v) for k, v in drawn.items()}


def _lines(geometry: Any, where: str, budget: list[int]) -> list[tuple[tuple[float, float], ...]]:
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if kind == "LineString":
        parts = [coords]
    elif kind == "MultiLineString" and isinstance(coords, list):
        parts = coords
    else:
        raise OverlayError(f"{where}: geometry must be a LineString or MultiLineString")
    lines = []
    for part in parts:
        if not isinstance(part, list) or len(part) < 2:
            raise OverlayError(f"{where}: a line needs at least two positions")
        budget[0] -= len(part)
        if budget[0] < 0:
            raise OverlayError(f"{where}: more than {MAX_POSITIONS} positions in the file")
        lines.append(tuple(_position(p, where) for p in part))
    return lines


def _position(value: Any, where: str) -> tuple[float, float]:
    if (
        not isinstance(value, list)
        or len(value) < 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value[:2])
    ):
        raise OverlayError(f"{where}: a position must be [lon, lat] numbers")
    lon, lat = float(value[0]), float(value[1])
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise OverlayError(f"{where}: position {lon}, {lat} outside -180..180, -90..90")
    return lon, lat
