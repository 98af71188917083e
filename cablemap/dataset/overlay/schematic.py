"""A schematic sea path between two landing stations, where no route is published.

The path follows the maritime network of searoute-py (Apache-2.0; its network is
Eurostat's searoute "marnet", see ``docs/design-notes.md``) from the shipping-lane node
nearest each station, with the stations themselves as first and last positions. It is
a shape for maps and a length for the geodesic measure only: every output that draws or
measures it says "schematic, approximate", and a cable's stated length scales its km
where the record gives one.
"""

from __future__ import annotations

from itertools import pairwise

Line = tuple[tuple[float, float], ...]


def sea_path(start: tuple[float, float], end: tuple[float, float]) -> list[Line]:
    """A schematic path from ``start`` to ``end`` (lon, lat) along the sea.

    Returns
    -------
    list of tuple
        One or more lines (cut at the antimeridian), longitudes in [-180, 180], from
        ``start`` to ``end``.
    """
    import searoute
    from searoute.classes.passages import Passage

    # searoute keeps one network per process and sets its restrictions on every call:
    # give them every time (its default, no Northwest Passage) so no call inherits
    # another caller's choice.
    route = searoute.searoute(list(start), list(end), restrictions=[Passage.northwest])
    positions = [start, *((float(x), float(y)) for x, y in route.geometry["coordinates"]), end]
    return cut_at_antimeridian(unwrap(positions))


def unwrap(positions: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Shift longitudes by whole turns so no step between two positions exceeds 180 deg."""
    out = [positions[0]]
    for lon, lat in positions[1:]:
        previous = out[-1][0]
        lon += 360.0 * round((previous - lon) / 360.0)
        out.append((lon, lat))
    return out


def cut_at_antimeridian(positions: list[tuple[float, float]]) -> list[Line]:
    """Cut an unwrapped line where it crosses +-180 deg; every part within [-180, 180]."""
    parts: list[list[tuple[float, float]]] = [[]]
    shift = _turns(positions[0][0])
    for (lon0, lat0), (lon1, lat1) in pairwise(positions):
        if not parts[-1]:
            parts[-1].append((lon0 - shift, lat0))
        crossing = 180.0 + shift if lon1 - shift > 180.0 else -180.0 + shift
        if abs(lon1 - shift) > 180.0 and lon1 != lon0:
            t = (crossing - lon0) / (lon1 - lon0)
            lat = lat0 + t * (lat1 - lat0)
            parts[-1].append((crossing - shift, lat))
            shift = _turns(lon1)
            parts.append([(crossing - shift, lat)])
        parts[-1].append((lon1 - shift, lat1))
    return [tuple(_clean(part)) for part in parts if len(_clean(part)) >= 2]


def _turns(lon: float) -> float:
    """The multiple of 360 that brings ``lon`` into [-180, 180]."""
    return 360.0 * round(lon / 360.0)


def _clean(part: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop consecutive repeated positions."""
    out: list[tuple[float, float]] = []
    for position in part:
        if not out or out[-1] != position:
            out.append(position)
    return out
