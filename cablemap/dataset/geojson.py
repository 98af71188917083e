"""Checked reading of the GeoJSON pieces both layouts share: points and (multi)lines."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from cablemap.dataset.records import Coordinates, DataWarning


def _reject(warnings: list[DataWarning], file: str, record: str, message: str) -> None:
    warnings.append(DataWarning("bad-geometry", file, record, "geometry", message))


def _valid_position(position: Any) -> bool:
    return (
        isinstance(position, list | tuple)
        and len(position) >= 2
        and all(isinstance(v, int | float) and math.isfinite(v) for v in position[:2])
        and -180.0 <= position[0] <= 180.0
        and -90.0 <= position[1] <= 90.0
    )


def read_point(
    geometry: Any, *, file: str, record: str, warnings: list[DataWarning]
) -> tuple[float, float] | None:
    """Return a Point's (lon, lat), or ``None`` with a warning if it is missing or invalid."""
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        _reject(warnings, file, record, "not a Point")
        return None
    position: Any = geometry.get("coordinates")
    if not _valid_position(position):
        _reject(
            warnings,
            file,
            record,
            f"coordinates {position!r} are not a (lon, lat) within -180..180, -90..90",
        )
        return None
    return float(position[0]), float(position[1])


def read_lines(
    geometry: Any, *, file: str, record: str, warnings: list[DataWarning]
) -> list[Coordinates] | None:
    """Return the lines of a (Multi)LineString, or ``None`` with a warning if invalid.

    Each line comes back as an ``(n, 2)`` float array of (lon, lat). A line needs two or
    more positions, each a finite (lon, lat) within range; one bad position makes the
    whole feature invalid, since a partly drawn cable would mislead.
    """
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if kind == "LineString":
        coords = [coords]
    elif kind != "MultiLineString":
        _reject(warnings, file, record, f"type {kind!r} is not a line")
        return None
    if not isinstance(coords, list) or not coords:
        _reject(warnings, file, record, "empty geometry")
        return None
    lines: list[Coordinates] = []
    for line in coords:
        array = _line_array(line)
        if array is None:
            _reject(
                warnings,
                file,
                record,
                "a line has < 2 positions, or a position out of range or not numeric",
            )
            return None
        lines.append(array)
    return lines


def _line_array(line: Any) -> Coordinates | None:
    """Check one line with numpy (fast) and return its (lon, lat) columns, else ``None``."""
    if not isinstance(line, list) or len(line) < 2:
        return None
    try:
        array = np.asarray(line, dtype=float)
    except (ValueError, TypeError):
        return None
    if array.ndim != 2 or array.shape[1] < 2:
        return None
    array = np.ascontiguousarray(array[:, :2])
    lon, lat = array[:, 0], array[:, 1]
    ok = np.isfinite(array).all() and (np.abs(lon) <= 180.0).all() and (np.abs(lat) <= 90.0).all()
    return array if ok else None
